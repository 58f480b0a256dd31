/**
 * How a job's requests are dressed beyond what its definition says: a property of the job, kept
 * by its follow-ups, whichever door made it. `null` is Kairos's own style (its User-Agent, the
 * Standard Webhooks headers); `runner` is Runner's (`User-Agent: Runner/1.0`, a JSON content type
 * on every request, and `X-Runner-Signature` besides the Standard Webhooks headers).
 */
export const deliveryStyles = ['runner'] as const;
export type DeliveryStyle = (typeof deliveryStyles)[number];

/** What Runner's receivers see as the sender. */
export const runnerUserAgent = 'Runner/1.0';

export const isDeliveryStyle = (value: unknown): value is DeliveryStyle => typeof value === 'string' && (deliveryStyles as readonly string[]).includes(value);
