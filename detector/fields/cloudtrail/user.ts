import type { JsonObject } from '../../sources/json-event.js';
import { getString } from '../json/index.js';

type UserOf = (doc: JsonObject) => string | undefined;

// Who made the call depends on the identity type; unknown types have no ct.user.
const USER_BY_IDENTITY_TYPE: Record<string, UserOf> = {
  Root: (doc) => getString(doc, ['userIdentity', 'userName']),
  IAMUser: (doc) => getString(doc, ['userIdentity', 'userName']),
  AWSService: (doc) => getString(doc, ['userIdentity', 'invokedBy']),
  AssumedRole: (doc) => getString(doc, ['userIdentity', 'sessionContext', 'sessionIssuer', 'userName']) ?? 'AssumedRole',
  AWSAccount: () => 'AWSAccount',
  FederatedUser: () => 'FederatedUser',
};

/** `ct.user`: the user name of a CloudTrail record, chosen by `userIdentity.type`. */
export function cloudtrailUser(doc: JsonObject): string | undefined {
  const type = getString(doc, ['userIdentity', 'type']);
  if (type === undefined || !Object.hasOwn(USER_BY_IDENTITY_TYPE, type)) return undefined;
  return USER_BY_IDENTITY_TYPE[type]?.(doc);
}
