/**
 * The host-side runner: install over SSH, schedules, status files, offsite copy (issue 6).
 * Pure: no Node, DOM or Electron imports.
 */
import { method } from './method';

void method;

export const runnerMethods = {} as const;
