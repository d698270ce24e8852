// Kruise's chart MutatingWebhookConfiguration, as the `why` tests use it.
import type { Endpoints, MutatingWebhookConfiguration } from '../../src/kruise/inject/webhook-scope.js';

/** The chart's Pod webhook (versions/kruise/1.9.0-alpha.3 and next: same scope for the Pod entry). */
export function chartConfiguration(): MutatingWebhookConfiguration {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: 'kruise-mutating-webhook-configuration' },
    webhooks: [
      {
        name: 'mpod.kb.io',
        admissionReviewVersions: ['v1', 'v1beta1'],
        sideEffects: 'None',
        timeoutSeconds: 30,
        clientConfig: { service: { name: 'kruise-webhook-service', namespace: 'kruise-system', path: '/mutate-pod' } },
        failurePolicy: 'Fail',
        namespaceSelector: {
          matchExpressions: [
            { key: 'control-plane', operator: 'NotIn', values: ['openkruise'] },
            { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] },
          ],
        },
        rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }],
      },
      {
        name: 'mcloneset.kb.io',
        clientConfig: {
          service: {
            name: 'kruise-webhook-service',
            namespace: 'kruise-system',
            path: '/mutate-apps-kruise-io-v1alpha1-cloneset',
          },
        },
        rules: [
          {
            apiGroups: ['apps.kruise.io'],
            apiVersions: ['v1alpha1'],
            operations: ['CREATE', 'UPDATE'],
            resources: ['clonesets'],
          },
        ],
      },
    ],
  };
}

/** The Endpoints of kruise-webhook-service: one address, ready or not. */
export function webhookEndpoints(ready: boolean): Endpoints & { apiVersion: string } {
  const address = [{ ip: '10.0.0.5' }];
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kruise-webhook-service', namespace: 'kruise-system' },
    subsets: [ready ? { addresses: address } : { notReadyAddresses: address }],
  };
}
