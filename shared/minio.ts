/**
 * MinIO connections, health, admin info, bucket usage and quotas (issue 6).
 * Pure: no Node, DOM or Electron imports.
 */
import { method } from './method';

void method;

export const minioMethods = {} as const;
