/**
 * The server as a library (the package's `main`): what a program that runs Kairos in its own
 * process, such as the `kairos serve` command, starts it with.
 */
export { type RunningServer, type StartOptions, startServer } from './main.js';
export { type Config, loadConfig, version } from './config.js';
