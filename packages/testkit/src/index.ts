export * from './children.js';
export * from './databases.js';
export * from './fakeApi.js';
export * from './jsonClient.js';
export * from './paths.js';
export * from './serverProcess.js';
export * from './sink.js';
export * from './sinkClient.js';
