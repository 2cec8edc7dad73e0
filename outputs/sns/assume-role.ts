import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

/** Temporary credentials, in the shape the AWS SDK clients take. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** A credentials provider the SDK clients call before signing, plus a way to release its STS client. */
export interface AssumedRoleCredentials {
  (): Promise<AwsCredentials>;
  close(): void;
}

export interface AssumeRoleSettings {
  roleArn: string;
  /** Empty: no ExternalId is sent. */
  externalId: string;
  region?: string;
  /** STS endpoint override (STS-compatible services, tests). */
  endpoint?: string;
  /** Credentials to call STS with; undefined: the SDK's default chain. */
  baseCredentials?: AwsCredentials;
  /** The session name CloudTrail records for everything done with the role. */
  sessionName?: string;
  durationSeconds?: number;
  now?: () => number;
}

/** Fetch new credentials this long before the old ones expire, so no request is signed with expired ones. */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

export const DEFAULT_SESSION_NAME = 'saker-sidekick';

/**
 * Credentials of an assumed IAM role (falcosidekick's `aws.rolearn` and `aws.externalid`): STS
 * AssumeRole on first use, then again whenever the credentials are within five minutes of expiring.
 * Concurrent callers share one STS call; a failed call is not cached, so the next send tries again
 * (and the delivery layer retries the alert meanwhile).
 */
export function assumeRoleCredentials(settings: AssumeRoleSettings): AssumedRoleCredentials {
  const now = settings.now ?? Date.now;
  const sts = new STSClient({
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.baseCredentials ? { credentials: settings.baseCredentials } : {}),
    maxAttempts: 1,
  });
  let current: AwsCredentials | undefined;
  let pending: Promise<AwsCredentials> | undefined;

  const fresh = (credentials: AwsCredentials | undefined): credentials is AwsCredentials =>
    credentials !== undefined && (credentials.expiration === undefined || credentials.expiration.getTime() - now() > REFRESH_BEFORE_EXPIRY_MS);

  const assume = async (): Promise<AwsCredentials> => {
    const response = await sts.send(
      new AssumeRoleCommand({
        RoleArn: settings.roleArn,
        RoleSessionName: settings.sessionName ?? DEFAULT_SESSION_NAME,
        ...(settings.externalId ? { ExternalId: settings.externalId } : {}),
        ...(settings.durationSeconds ? { DurationSeconds: settings.durationSeconds } : {}),
      }),
    );
    const issued = response.Credentials;
    if (!issued?.AccessKeyId || !issued.SecretAccessKey) throw new Error(`STS AssumeRole for ${settings.roleArn} returned no credentials`);
    return {
      accessKeyId: issued.AccessKeyId,
      secretAccessKey: issued.SecretAccessKey,
      ...(issued.SessionToken ? { sessionToken: issued.SessionToken } : {}),
      ...(issued.Expiration ? { expiration: issued.Expiration } : {}),
    };
  };

  const provider = (async () => {
    if (fresh(current)) return current;
    pending ??= assume().then(
      (credentials) => {
        current = credentials;
        pending = undefined;
        return credentials;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  }) as AssumedRoleCredentials;
  provider.close = () => sts.destroy();
  return provider;
}
