/** What a key or a signed-in user may do: each scope includes the one before it. */
export type Scope = 'read' | 'write' | 'admin';
