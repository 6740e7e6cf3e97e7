/**
 * MinIO connections, health, admin info, bucket usage and quotas (issue 6).
 * Pure: no Node, DOM or Electron imports.
 */
import { method } from './method';

void method;

/**
 * Why a name is not a valid S3 bucket name (AWS's general-purpose bucket
 * rules, which MinIO enforces too), or null when it is valid. Pure, so the
 * UI can say it as the user types.
 */
export function bucketNameProblem(name: string): string | null {
  if (name.length < 3) return 'a bucket name has at least 3 characters';
  if (name.length > 63) return 'a bucket name has at most 63 characters';
  if (/[A-Z]/.test(name)) return 'a bucket name has no capital letters';
  if (!/^[a-z0-9.-]+$/.test(name)) return 'a bucket name uses only a-z, 0-9, dots and hyphens';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name))
    return 'a bucket name starts and ends with a letter or digit';
  if (name.includes('..')) return 'a bucket name has no two dots in a row';
  if (/\.-|-\./.test(name)) return 'a bucket name has no dot next to a hyphen';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'a bucket name must not look like an IP address';
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return 'a bucket name must not start with xn--, sthree- or amzn-s3-demo-';
  if (/(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(name))
    return 'a bucket name must not end with -s3alias, --ol-s3, --x-s3 or --table-s3';
  return null;
}

export const minioMethods = {} as const;
