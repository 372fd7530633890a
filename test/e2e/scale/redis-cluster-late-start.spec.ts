import { afterAll, describe, expect, it } from 'vitest';
import { RedisSessionStore } from '../../../lib/redis.js';
import {
  RedisProcess,
  freeClusterPorts,
  makeTempDir,
  requireRedisServers,
  waitFor,
  withNode,
} from '../../support/redis-processes.js';
import { uniquePrefix } from '../../support/stores.js';

/**
 * node-redis gives up on a Cluster client whose first connect fails (a plain client keeps
 * retrying): the store must reopen it by itself once the cluster is there, without a restart.
 */
describe.runIf(requireRedisServers('the late-cluster suite'))('a Cluster store started before its cluster', () => {
  let dir: ReturnType<typeof makeTempDir> | undefined;
  let node: RedisProcess | undefined;
  let store: RedisSessionStore | undefined;

  afterAll(async () => {
    await store?.close();
    await node?.stop();
    dir?.remove();
  });

  it('fails fast while no node answers, then serves once the cluster is up', async () => {
    const tmp = (dir = makeTempDir('late-cluster'));
    const [port] = await freeClusterPorts(1);
    store = new RedisSessionStore({ cluster: { rootNodes: [`redis://127.0.0.1:${port}`] }, prefix: uniquePrefix('late') });
    await expect(store.connect()).rejects.toThrow();
    await expect(store.get('nobody')).rejects.toThrow();

    // A one-node cluster holding every slot.
    node = await RedisProcess.start(
      port!,
      [
        '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes',
        '--cluster-config-file', `${tmp.path}/nodes-${port}.conf`, '--cluster-node-timeout', '1000',
        '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', tmp.path, '--logfile', `${tmp.path}/redis.log`,
      ],
      `${tmp.path}/redis.log`,
    );
    await withNode(port!, (client) => client.sendCommand(['CLUSTER', 'ADDSLOTS', ...Array.from({ length: 16_384 }, (_, slot) => String(slot))]));
    await waitFor(
      () => withNode(port!, async (client) => (await client.clusterInfo()).includes('cluster_state:ok')),
      10_000,
      () => 'the one-node cluster did not come up',
    );

    // Each failed operation asks the store to reopen the client; one soon succeeds.
    await waitFor(
      async () => (await store!.set('alice', { user: 'alice' }, 60_000, 'create')) === true,
      10_000,
      () => 'the store did not reconnect to the cluster',
      200,
    );
    expect(await store.get('alice')).toEqual({ user: 'alice' });
    await store.destroy('alice');
    expect(await store.get('alice')).toBeNull();
  });
});
