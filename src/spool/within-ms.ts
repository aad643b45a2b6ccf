/** Waits for `promise`, but no longer than `ms`; never rejects (shutdown must go on regardless). */
export async function withinMs(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([promise.catch(() => {}), timeout]);
  clearTimeout(timer);
}
