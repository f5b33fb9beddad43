//! A minimal WebDriver client over reqwest, enough for the console's
//! browser tests: it starts `chromedriver` on a free port of 127.0.0.1,
//! opens a headless Chromium session with a fresh profile, and finds,
//! types, clicks, reads and takes screenshots (W3C WebDriver, JSON over
//! HTTP). No new crate: fantoccini would pull in a second HTTP stack.
//!
//! Where the driver is missing, [`Browser::start`] answers `None` after a
//! loud SKIP line, unless `CI=true`, where a missing browser fails.

#![allow(dead_code)]

use base64::Engine as _;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
/// The W3C name of an element reference in JSON.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long a wait for something on the page lasts.
pub const WAIT: Duration = Duration::from_secs(15);

/// Keys as WebDriver spells them.
pub mod keys {
    pub const CONTROL: &str = "\u{E009}";
    pub const ENTER: &str = "\u{E007}";
    pub const RIGHT: &str = "\u{E014}";
}

/// A running chromedriver and one browser session; both end when dropped.
pub struct Browser {
    driver: Child,
    http: reqwest::Client,
    session: String,
    base: String,
    profile: PathBuf,
}

/// An element on the page.
#[derive(Clone, Debug)]
pub struct Element(String);

impl Browser {
    /// Starts the driver and a session, or says SKIP and answers `None`
    /// when there is no driver (a failure when `CI=true`).
    pub async fn start(test: &str) -> Option<Browser> {
        let driver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| DRIVER.into());
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| CHROMIUM.into());
        let missing = [&driver, &chromium]
            .into_iter()
            .find(|p| !Path::new(p).exists());
        if let Some(missing) = missing {
            let ci = std::env::var("CI").is_ok_and(|v| v == "true");
            assert!(
                !ci,
                "CI=true and `{missing}` is missing: install chromium and chromium-driver"
            );
            eprintln!("\n======== SKIP {test}: `{missing}` is missing (apt-get install chromium chromium-driver) ========\n");
            return None;
        }
        Some(Browser::launch(&driver, &chromium, test).await)
    }

    async fn launch(driver: &str, chromium: &str, test: &str) -> Browser {
        let port = free_port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        wait_ready(&http, &base).await;
        let profile = std::env::temp_dir().join(format!(
            "ticket-rules-chromium-{}-{test}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&profile);
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,1400",
        ];
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args},
        }}});
        let mut browser = Browser {
            driver: child,
            http,
            session: String::new(),
            base,
            profile,
        };
        let made = browser.call("POST", "/session", Some(capabilities)).await;
        browser.session = made["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {made}"))
            .to_string();
        browser
    }

    /// A WebDriver command; its `value`. Panics on a WebDriver error.
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let answer = self.try_call(method, path, body).await;
        match answer {
            Ok(value) => value,
            Err(e) => panic!("WebDriver {method} {path}: {e}"),
        }
    }

    async fn try_call(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let url = format!("{}{path}", self.base);
        let mut request = self
            .http
            .request(method, url)
            .timeout(Duration::from_secs(60));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.map_err(|e| e.to_string())?;
        let ok = response.status().is_success();
        let mut value: Value = response.json().await.map_err(|e| e.to_string())?;
        let value = value["value"].take();
        if ok {
            Ok(value)
        } else {
            Err(format!("{}: {}", value["error"], value["message"]))
        }
    }

    fn at(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    pub async fn goto(&self, url: &str) {
        self.call("POST", &self.at("/url"), Some(json!({ "url": url })))
            .await;
    }

    pub async fn url(&self) -> String {
        let v = self.call("GET", &self.at("/url"), None).await;
        v.as_str().unwrap_or_default().to_string()
    }

    pub async fn resize(&self, width: u32, height: u32) {
        let rect = json!({ "width": width, "height": height });
        self.call("POST", &self.at("/window/rect"), Some(rect))
            .await;
    }

    /// The elements `css` finds now.
    pub async fn all(&self, css: &str) -> Vec<Element> {
        let query = json!({ "using": "css selector", "value": css });
        let found = self.call("POST", &self.at("/elements"), Some(query)).await;
        let items = found.as_array().cloned().unwrap_or_default();
        items
            .iter()
            .filter_map(|e| e[ELEMENT].as_str().map(|id| Element(id.to_string())))
            .collect()
    }

    /// The first element `css` finds, waiting for it to appear.
    pub async fn find(&self, css: &str) -> Element {
        let started = Instant::now();
        loop {
            if let Some(e) = self.all(css).await.into_iter().next() {
                return e;
            }
            assert!(
                started.elapsed() < WAIT,
                "nothing matches `{css}` after {WAIT:?}; page text:\n{}",
                self.page_text().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `script` (a function body) returns true.
    pub async fn wait_for(&self, what: &str, script: &str) {
        let started = Instant::now();
        while self.run_js(script, json!([])).await != Value::Bool(true) {
            assert!(started.elapsed() < WAIT, "waited {WAIT:?} for {what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Runs a function body in the page with `args`; what it returns.
    pub async fn run_js(&self, script: &str, args: Value) -> Value {
        let body = json!({ "script": script, "args": args });
        self.call("POST", &self.at("/execute/sync"), Some(body))
            .await
    }

    /// Scrolls the first element `css` finds to the top of the window.
    pub async fn scroll_to(&self, css: &str) {
        let script = "document.querySelector(arguments[0]).scrollIntoView(); return true";
        self.run_js(script, json!([css])).await;
    }

    pub async fn page_text(&self) -> String {
        let v = self
            .try_call("POST", &self.at("/execute/sync"), Some(json!({"script": "return document.body ? document.body.innerText : ''", "args": []})))
            .await;
        v.ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    fn of(&self, e: &Element, rest: &str) -> String {
        self.at(&format!("/element/{}{rest}", e.0))
    }

    pub async fn click(&self, e: &Element) {
        self.call("POST", &self.of(e, "/click"), Some(json!({})))
            .await;
    }

    pub async fn clear(&self, e: &Element) {
        self.call("POST", &self.of(e, "/clear"), Some(json!({})))
            .await;
    }

    /// Types `text` into the element, as keys (`\n` is Enter).
    pub async fn type_in(&self, e: &Element, text: &str) {
        let body = json!({ "text": text });
        self.call("POST", &self.of(e, "/value"), Some(body)).await;
    }

    pub async fn text(&self, e: &Element) -> String {
        let v = self.call("GET", &self.of(e, "/text"), None).await;
        v.as_str().unwrap_or_default().to_string()
    }

    /// A DOM property (`value` of a textarea).
    pub async fn property(&self, e: &Element, name: &str) -> String {
        let v = self
            .call("GET", &self.of(e, &format!("/property/{name}")), None)
            .await;
        match v {
            Value::String(s) => s,
            Value::Null => String::new(),
            other => other.to_string(),
        }
    }

    /// Saves a screenshot of the window as
    /// `target/console-screenshots/{name}.png`; its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let shot = self.call("GET", &self.at("/screenshot"), None).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot.as_str().unwrap_or_default())
            .expect("a base64 screenshot");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/console-screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("screenshot written");
        path
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The session's own end closes Chromium; the driver is ours to kill.
        let url = format!("{}{}", self.base, self.at(""));
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(runtime) = runtime {
                runtime.block_on(async {
                    let _ = reqwest::Client::new()
                        .delete(url)
                        .timeout(Duration::from_secs(10))
                        .send()
                        .await;
                });
            }
        })
        .join();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").port()
}

async fn wait_ready(http: &reqwest::Client, base: &str) {
    let started = Instant::now();
    loop {
        let status = http.get(format!("{base}/status")).send().await;
        if let Ok(response) = status {
            if let Ok(v) = response.json::<Value>().await {
                if v["value"]["ready"] == true {
                    return;
                }
            }
        }
        assert!(started.elapsed() < WAIT, "chromedriver did not get ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
