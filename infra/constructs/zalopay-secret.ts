import { Validations } from 'aws-cdk-lib';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { GENERATED_SECRET_KEY, SECRET_TEMPLATE } from '../../shared/adapters/aws/settings';

/**
 * The secret `{appId,key1,key2,key2Previous?,merchantApiKey}` of docs/configuration.md: an existing one by
 * ARN, or a new one whose ZaloPay fields are placeholders for the merchant to fill in (README) and
 * whose merchant API key Secrets Manager generates. Either way no key is ever in the template.
 */
export const zalopaySecret = (scope: Construct, id: string, existingArn: string | undefined): ISecret => {
  if (existingArn) return Secret.fromSecretCompleteArn(scope, id, existingArn);
  const secret = new Secret(scope, id, {
    description:
      'ZaloPay app credentials (appId, key1, key2, key2Previous during a key2 rotation) and the ' +
      'merchant API key of this stack',
    generateSecretString: {
      secretStringTemplate: JSON.stringify(SECRET_TEMPLATE),
      generateStringKey: GENERATED_SECRET_KEY,
      passwordLength: 40,
      excludePunctuation: true,
    },
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'ZaloPay issues key1/key2 in its merchant portal; no Lambda can rotate them. Rotation is manual: ' +
      'the new key2 goes in key2, the old one in key2Previous, and the functions pick it up within ' +
      'minutes (README, deploy guide).',
  });
  return secret;
};
