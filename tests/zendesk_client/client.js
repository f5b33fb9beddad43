// node-zendesk, unchanged, against `ticket-rules serve`: only its base URL
// (`endpointUri`) points at the server. Prints one JSON object with what
// each call answered; tests/serve_zendesk_client.rs checks it.
// Usage: node client.js BASE_URL EMAIL TOKEN
const zendesk = require('node-zendesk');

async function main() {
  const [base, username, token] = process.argv.slice(2);
  const client = zendesk.createClient({ username, token, endpointUri: `${base}/api/v2` });
  const agreements = await client.sharingagreement.show();
  const created = await client.tickets.create({
    ticket: { subject: 'From node-zendesk', comment: { body: 'Hello', public: true }, tags: ['vip'] },
  });
  const id = created.result.id;
  const updated = await client.tickets.update(id, { ticket: { status: 'pending', additional_tags: ['node'] } });
  const shown = await client.tickets.show(id);
  const listed = await client.tickets.list();
  console.log(JSON.stringify({
    agreements: agreements.result,
    created: created.result,
    updated: updated.result,
    shown: shown.result,
    listed,
  }));
}

main().catch((error) => {
  console.error(error.message, JSON.stringify(error.result ?? null));
  process.exit(1);
});
