#!/usr/bin/env node
import { main } from '../dist/main.js';

// Exit when the session ends, without waiting for idle kept-alive connections to the server.
process.exit(await main(process.argv.slice(2)));
