/** Process CPU use in percent of one core since the previous call. */
export class CpuSampler {
  private last = process.cpuUsage();
  private lastAt = performance.now();
  private value = 0;

  sample(): number {
    const now = performance.now();
    const elapsedMs = now - this.lastAt;
    if (elapsedMs < 500) return this.value;
    const usage = process.cpuUsage(this.last);
    this.value = ((usage.user + usage.system) / 1000 / elapsedMs) * 100;
    this.last = process.cpuUsage();
    this.lastAt = now;
    return this.value;
  }
}
