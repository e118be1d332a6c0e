export { nameForPsid, type PersonName } from './names';
export {
  parseDuration,
  resolveOptions,
  type SimulationInput,
  type SimulationMode,
  type SimulationOptions,
} from './options';
export { createPopulation, type SimUser } from './population';
export { createRng, type Rng } from './random';
export { BotUnreachableError, waitForBot } from './reachability';
export { formatProgress, formatSummary, ProgressPrinter } from './report';
export { rhythmFactor } from './rhythm';
export { runSimulation, type SimulationSummary } from './run';
export type { LatencySummary, ProgressSnapshot } from './stats';
export { DEFAULT_MIX, type PlannedPost, type TrafficMix, TrafficModel } from './traffic';
