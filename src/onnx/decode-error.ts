// The error of bytes that are not a model file the project can read: one line naming the field.
export class OnnxDecodeError extends Error {}
