// SigV4 against AWS's published examples: the sig-v4 test suite
// (get-vanilla, get-vanilla-query-order-key-case, post-vanilla; secret
// wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830T123600Z) and the S3
// "GET object" example from the S3 SigV4 documentation (20130524).
import { describe, expect, it } from 'vitest';
import { amzDate, sha256Hex, signRequest, uriEncode } from '../../../electron/core/minio/sigv4';

const suiteCreds = { accessKey: 'AKIDEXAMPLE', secretKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const suiteOpts = { region: 'us-east-1', service: 'service', now: new Date('2015-08-30T12:36:00Z') };

describe('SigV4 (AWS test suite)', () => {
  it('get-vanilla', () => {
    const s = signRequest(
      { method: 'GET', url: new URL('https://example.amazonaws.com/'), headers: {} },
      suiteCreds,
      suiteOpts,
    );
    expect(s.canonicalRequest).toBe(
      [
        'GET',
        '/',
        '',
        'host:example.amazonaws.com',
        'x-amz-date:20150830T123600Z',
        '',
        'host;x-amz-date',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ].join('\n'),
    );
    expect(s.signature).toBe('5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
    expect(s.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('get-vanilla-query-order-key-case sorts the query', () => {
    const s = signRequest(
      {
        method: 'GET',
        url: new URL('https://example.amazonaws.com/?Param2=value2&Param1=value1'),
        headers: {},
      },
      suiteCreds,
      suiteOpts,
    );
    expect(s.canonicalRequest.split('\n')[2]).toBe('Param1=value1&Param2=value2');
    expect(s.signature).toBe('b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500');
  });

  it('post-vanilla', () => {
    const s = signRequest(
      { method: 'POST', url: new URL('https://example.amazonaws.com/'), headers: {} },
      suiteCreds,
      suiteOpts,
    );
    expect(s.signature).toBe('5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b');
  });
});

describe('SigV4 (S3 documentation example)', () => {
  it('GET object with a Range header and x-amz-content-sha256', () => {
    const s = signRequest(
      {
        method: 'GET',
        url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
        headers: { Range: 'bytes=0-9', 'x-amz-content-sha256': sha256Hex('') },
        payloadHash: sha256Hex(''),
      },
      { accessKey: 'AKIAIOSFODNN7EXAMPLE', secretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      { region: 'us-east-1', service: 's3', now: new Date('2013-05-24T00:00:00Z') },
    );
    expect(s.signature).toBe('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
    expect(s.headers.authorization).toContain('SignedHeaders=host;range;x-amz-content-sha256;x-amz-date');
  });

  it('encodes the way SigV4 wants', () => {
    expect(uriEncode('a b/c~d*')).toBe('a%20b%2Fc~d%2A');
    expect(uriEncode('a b/c', true)).toBe('a%20b/c');
    expect(uriEncode('é')).toBe('%C3%A9');
    expect(amzDate(new Date('2026-01-02T03:04:05.678Z'))).toBe('20260102T030405Z');
  });

  it('a different secret gives a different signature', () => {
    const req = { method: 'GET', url: new URL('https://example.amazonaws.com/'), headers: {} };
    const a = signRequest(req, suiteCreds, suiteOpts).signature;
    const b = signRequest(req, { ...suiteCreds, secretKey: 'x' }, suiteOpts).signature;
    expect(a).not.toBe(b);
  });
});
