/**
 * A TCP proxy between the router and RabbitMQ: `cut()` / `restore()` a network cut, `pause()` /
 * `resume()` a hung broker, `delay(ms)` late confirms. Tests break the link, never the shared
 * broker. The implementation is plain JavaScript in bench/lib so the fault harness runs it too.
 */
export { TcpProxy } from "../../bench/lib/tcp-proxy.mjs";
