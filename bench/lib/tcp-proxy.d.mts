/** A TCP proxy between the router and RabbitMQ that cuts, stalls or slows the link on demand. */
export declare class TcpProxy {
  /** `target`: where RabbitMQ listens (default 127.0.0.1:5672). */
  constructor(target?: { host?: string; port?: number });
  /** Listens on a free loopback port (or `port`); resolves with it. */
  start(port?: number): Promise<number>;
  readonly port: number;
  /** `amqpUrl` (default guest@127.0.0.1:5672) pointed at the proxy instead of the broker. */
  url(amqpUrl?: string): string;
  /** A network cut: every open link dies, and new connections are closed as soon as they open. */
  cut(): void;
  restore(): void;
  /** A hung broker: links stay open but nothing moves either way until `resume`. */
  pause(): void;
  resume(): void;
  /** A slow broker: everything it sends (confirms included) arrives `ms` later, still in order. */
  delay(ms: number): void;
  /** Links open now. */
  readonly connections: number;
  /** Connections accepted since the start, cut ones included. */
  readonly accepted: number;
  close(): Promise<void>;
}
