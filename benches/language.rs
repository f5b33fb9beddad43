//! How fast the language stages are on a large rule set: parse, check,
//! the cycle check across triggers, format, and the YAML front end, over 1,000 and 10,000 rules built from
//! the example files. Run with `cargo bench --bench language`.

/// The allocator the binary uses (`src/main.rs`), so these figures are
/// the command's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use ticket_rules::rules::check::{check, check_cycles, CheckOptions};
use ticket_rules::rules::convert::to_yaml;
use ticket_rules::rules::format::format_file;
use ticket_rules::rules::parse::parse_rules;
use ticket_rules::rules::yaml::load;

fn main() {
    divan::main();
}

/// `n` rules in DSL: the example rules again and again, each with its own title.
fn rule_text(n: usize) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/rules-examples");
    let mut sources: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rules"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    sources.sort();
    let rules: Vec<String> = sources
        .iter()
        .flat_map(|s| {
            s.split("\n\n")
                .filter(|r| r.contains('{'))
                .map(str::to_string)
        })
        .collect();
    let mut out = String::new();
    for i in 0..n {
        let rule = &rules[i % rules.len()];
        let titled = rule.replacen("\" {", &format!(" #{i}\" {{"), 1);
        out.push_str(&titled);
        out.push_str("\n\n");
    }
    out
}

const SIZES: &[usize] = &[1_000, 10_000];

#[divan::bench(args = SIZES)]
fn parse(bencher: divan::Bencher, n: usize) {
    let text = rule_text(n);
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench(|| parse_rules(divan::black_box(&text)));
}

#[divan::bench(args = SIZES)]
fn check_rules(bencher: divan::Bencher, n: usize) {
    let (file, diags) = parse_rules(&rule_text(n));
    assert!(diags.is_empty());
    let options = CheckOptions::default();
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench(|| check(divan::black_box(&file), &options));
}

/// The check across rules that looks for triggers undoing each other, on
/// the example rules (their tag and status guards) repeated.
#[divan::bench(args = SIZES)]
fn trigger_cycles(bencher: divan::Bencher, n: usize) {
    let (file, diags) = parse_rules(&rule_text(n));
    assert!(diags.is_empty());
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench(|| check_cycles(&[divan::black_box(&file)]));
}

/// The cycle check's worst case: every trigger guards itself with a tag
/// that every other one's `set tags` wipes, so all of them form one cycle.
#[divan::bench(args = SIZES)]
fn trigger_cycles_all_set_tags(bencher: divan::Bencher, n: usize) {
    let text: String = (0..n)
        .map(|i| format!("trigger \"s{i}\" {{\n  when Tags contains none of d{i}\n  then Set tags d{i}\n}}\n\n"))
        .collect();
    let (file, diags) = parse_rules(&text);
    assert!(diags.is_empty());
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench(|| check_cycles(&[divan::black_box(&file)]));
}

#[divan::bench(args = SIZES)]
fn format(bencher: divan::Bencher, n: usize) {
    let (file, _) = parse_rules(&rule_text(n));
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench(|| format_file(divan::black_box(&file)));
}

#[divan::bench(args = SIZES)]
fn load_yaml(bencher: divan::Bencher, n: usize) {
    let (file, _) = parse_rules(&rule_text(n));
    let yaml = to_yaml(&file).unwrap();
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench(|| load(divan::black_box(&yaml), false));
}

/// One rule with 100,000 conditions joined by `and`, parsed and checked:
/// every stage must stay linear in the conditions.
#[divan::bench(sample_count = 5)]
fn one_rule_100k_conditions(bencher: divan::Bencher) {
    let when: Vec<String> = (0..100_000)
        .map(|i| format!("Tags contains none of t{i}"))
        .collect();
    let text = format!(
        "trigger \"big\" {{\n  when {}\n  then Add tags done\n}}\n",
        when.join(" and ")
    );
    let options = CheckOptions::default();
    bencher.bench(|| {
        let (file, diags) = parse_rules(divan::black_box(&text));
        assert!(diags.is_empty());
        check(&file, &options)
    });
}
