import { describe, expect, it } from 'vitest';
import {
  hostKeyPolicy,
  maintenanceKeyPolicy,
  policyAllows,
  policyNames,
} from '../../../electron/core/onboarding/policies';

const obj = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;

describe('host key policy', () => {
  const doc = hostKeyPolicy('acme-backup');

  it('reads and writes every restic file in its bucket', () => {
    for (const key of ['config', 'keys/abc', 'data/00/0011', 'index/ff', 'snapshots/aa', 'locks/1']) {
      expect(policyAllows(doc, 's3:GetObject', obj('acme-backup', key))).toBe(true);
      expect(policyAllows(doc, 's3:PutObject', obj('acme-backup', key))).toBe(true);
    }
    expect(policyAllows(doc, 's3:ListBucket', 'arn:aws:s3:::acme-backup')).toBe(true);
  });

  it('deletes only lock files', () => {
    expect(policyAllows(doc, 's3:DeleteObject', obj('acme-backup', 'locks/0123abcd'))).toBe(true);
    for (const key of [
      'data/00/0011',
      'snapshots/aa',
      'index/ff',
      'keys/abc',
      'config',
      'locksX/1',
      'locks',
    ]) {
      expect(policyAllows(doc, 's3:DeleteObject', obj('acme-backup', key)), key).toBe(false);
    }
    expect(policyAllows(doc, 's3:DeleteObjectVersion', obj('acme-backup', 'locks/1'))).toBe(false);
  });

  it('cannot touch the bucket settings or another bucket', () => {
    for (const action of [
      's3:PutBucketVersioning',
      's3:PutBucketPolicy',
      's3:DeleteBucket',
      's3:PutObjectRetention',
      's3:BypassGovernanceRetention',
    ]) {
      expect(policyAllows(doc, action, 'arn:aws:s3:::acme-backup'), action).toBe(false);
      expect(policyAllows(doc, action, obj('acme-backup', 'data/1')), action).toBe(false);
    }
    expect(policyAllows(doc, 's3:GetObject', obj('other-backup', 'config'))).toBe(false);
    expect(policyAllows(doc, 's3:ListBucket', 'arn:aws:s3:::acme-backup-2')).toBe(false);
    // A bucket whose name starts the same is another bucket.
    expect(policyAllows(doc, 's3:GetObject', 'arn:aws:s3:::acme-backup2/config')).toBe(false);
  });

  it('is plain JSON with every statement scoped to the bucket', () => {
    const text = JSON.stringify(doc);
    expect(JSON.parse(text)).toEqual(doc);
    for (const s of doc.Statement) {
      for (const r of s.Resource) expect(r.startsWith('arn:aws:s3:::acme-backup')).toBe(true);
      expect(s.Action).not.toContain('s3:*');
    }
  });
});

describe('maintenance key policy', () => {
  const doc = maintenanceKeyPolicy('acme-backup');
  it('may delete any object in its bucket (forget and prune) but not versions or settings', () => {
    for (const key of ['data/00/0011', 'snapshots/aa', 'index/ff', 'locks/1']) {
      expect(policyAllows(doc, 's3:DeleteObject', obj('acme-backup', key))).toBe(true);
    }
    expect(policyAllows(doc, 's3:DeleteObjectVersion', obj('acme-backup', 'data/1'))).toBe(false);
    expect(policyAllows(doc, 's3:PutBucketVersioning', 'arn:aws:s3:::acme-backup')).toBe(false);
    expect(policyAllows(doc, 's3:DeleteObject', obj('other', 'data/1'))).toBe(false);
  });
});

describe('policy names and bucket guard', () => {
  it('derives names from the bucket', () => {
    expect(policyNames('acme-backup')).toEqual({
      host: 'rfc-acme-backup-host',
      maintenance: 'rfc-acme-backup-maintenance',
    });
  });
  it('refuses wildcards and odd names instead of building a broad policy', () => {
    for (const bad of ['*', 'acme*', 'a', 'Acme', 'acme/x', '']) {
      expect(() => hostKeyPolicy(bad), bad).toThrow();
      expect(() => maintenanceKeyPolicy(bad), bad).toThrow();
    }
  });
  it('explicit deny wins in the evaluator', () => {
    const doc = hostKeyPolicy('acme-backup');
    doc.Statement.push({
      Effect: 'Deny',
      Action: ['s3:GetObject'],
      Resource: [obj('acme-backup', 'keys/*')],
    });
    expect(policyAllows(doc, 's3:GetObject', obj('acme-backup', 'keys/1'))).toBe(false);
    expect(policyAllows(doc, 's3:GetObject', obj('acme-backup', 'data/1'))).toBe(true);
  });
});
