import { startPivotalSimulator } from './index.js';

/** `npm run simulator`: a seeded local Pivotal on PORT (default 4010) with a live and a test key. */
const port = Number(process.env.PORT ?? 4010);
const simulator = await startPivotalSimulator({ port });
const org = simulator.createOrg({ name: 'Demo Company', slug: 'demo-company' });
const liveKey = simulator.createKey(org.id, { mode: 'live', name: 'local live' });
const testKey = simulator.createKey(org.id, { mode: 'test', name: 'local test' });
simulator.seedDemo(org.id);

// These keys exist only in this process's memory, so printing them is the point.
process.stdout.write(
  [
    `Pivotal simulator listening on ${simulator.url}`,
    `  org       ${org.name} (${org.slug}, ${org.id})`,
    `  live key  ${liveKey}`,
    `  test key  ${testKey}`,
    `Try: curl -H "Authorization: Bearer ${testKey}" ${simulator.url}/onboardings`,
    '',
  ].join('\n'),
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void simulator.close().then(() => process.exit(0));
  });
}
