import { Type } from 'typebox';
import { StringEnum } from './common.js';

const Dependency = {
  status: StringEnum(['ok', 'down']),
  latencyMs: Type.Number(),
  error: Type.Optional(Type.String({ description: 'Why it is down' })),
};

export const Health = Type.Object(
  {
    data: Type.Object({
      status: StringEnum(['ok', 'degraded'], { description: 'degraded (with status 503) when a dependency is down' }),
      version: Type.String(),
      uptimeSeconds: Type.Integer(),
      database: Type.Object({ ...Dependency, kind: StringEnum(['sqlite', 'postgres']) }),
      redis: Type.Optional(Type.Object(Dependency, { description: 'Present when KAIROS_REDIS_URL is set' })),
    }),
  },
  { description: 'The server and its dependencies' },
);

export const MetricsText = {
  description: 'Prometheus text exposition format',
  content: { 'text/plain': { schema: Type.String() } },
};
