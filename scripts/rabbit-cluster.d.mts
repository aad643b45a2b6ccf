// Types for the tests, which import the plain-Node script.
export interface ClusterNode {
  readonly n: number;
  readonly name: string;
  readonly port: number;
  readonly distPort: number;
  readonly dir: string;
  readonly url: string;
}
interface Options {
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}
export const NODE_COUNT: number;
export function clusterNode(n: number, baseDir?: string): ClusterNode;
export function clusterDir(env?: NodeJS.ProcessEnv): string;
export function clusterUrls(baseDir?: string): string;
export function startCluster(options?: Options): Promise<{ urls: string; nodes: ClusterNode[]; bootSeconds: number }>;
export function stopCluster(options?: Options): Promise<unknown>;
export function stopNode(n: number, options?: Options): Promise<void>;
export function startNode(n: number, options?: Options): Promise<void>;
export function clusterStatus(options?: Options): Promise<Array<ClusterNode & { running: boolean; clustered: boolean }>>;
/** The leader node (1–3) of each quorum queue whose name starts with `prefix`. */
export function queueLeaders(prefix: string, options?: Options): Promise<Map<string, number>>;
/** Moves a quorum queue's leadership off node n (its replica removed, then added back as a follower). */
export function moveLeaderOff(queue: string, n: number, options?: Options): Promise<void>;
/** One line: why the cluster cannot start here (rabbitmq-server not installed); undefined when it can. */
export function missingServer(env?: NodeJS.ProcessEnv): string | undefined;
/** Thrown with the one line to print (rabbitmq-server not installed, a node that did not boot). */
export class ServiceProblem extends Error {}
