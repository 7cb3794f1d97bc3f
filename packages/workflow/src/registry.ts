import type { Rule } from "./rule.js";
import { missingPermissions } from "./rules/missing-permissions.js";
import { excessivePermissions } from "./rules/excessive-permissions.js";
import { unpinnedUses } from "./rules/unpinned-uses.js";
import { unpinnedImage } from "./rules/unpinned-image.js";
import { templateInjection } from "./rules/template-injection.js";
import { dangerousTrigger } from "./rules/dangerous-trigger.js";
import { envInjection } from "./rules/env-injection.js";
import { secretsInherit } from "./rules/secrets-inherit.js";
import { secretsExposure } from "./rules/secrets-exposure.js";
import { credentialPersistence } from "./rules/credential-persistence.js";
import { cachePoisoning } from "./rules/cache-poisoning.js";
import { selfHostedPr } from "./rules/self-hosted-pr.js";
import { longLivedCredentials } from "./rules/long-lived-credentials.js";
import { unprotectedDeploy } from "./rules/unprotected-deploy.js";
import { spoofableBotCheck } from "./rules/spoofable-bot-check.js";
import { insecureCommands } from "./rules/insecure-commands.js";
import { unverifiedDownload } from "./rules/unverified-download.js";
import { hardcodedCredentials } from "./rules/hardcoded-credentials.js";
import { oidcUntrusted } from "./rules/oidc-untrusted.js";
import { policyViolation } from "./rules/policy-violation.js";

/** Every rule. A rule's id is its file name in rules/ and its page in docs/rules/. */
export const RULES: readonly Rule[] = [
  missingPermissions, excessivePermissions, unpinnedUses, unpinnedImage, templateInjection, dangerousTrigger, envInjection, secretsInherit, secretsExposure, credentialPersistence, cachePoisoning, selfHostedPr, longLivedCredentials, unprotectedDeploy, spoofableBotCheck, insecureCommands, unverifiedDownload, hardcodedCredentials, oidcUntrusted, policyViolation,];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}
