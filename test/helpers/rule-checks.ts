// Marks which ops' gradient rules the next test checks. It does nothing at run time: the registry
// test reads these calls from the test files to tell every rule file has a test.
export function checks(...ops: string[]): void {
  void ops;
}
