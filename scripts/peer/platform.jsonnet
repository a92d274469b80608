// The peer workload of scripts/bench-peer.sh: N services, each rendered, in two
// environments, to a Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget and
// NetworkPolicy (ingress allowed from the services that depend on it), as the issue's
// peer table measures. Dependencies follow the same shape as nexus-bench's synthetic spec:
// service i depends on up to three of the fifty before it.
//
//   jsonnet -y --tla-code n=1000 scripts/peer/platform.jsonnet
function(n)
  // std.format ('%05d' % i) is slow in jsonnet; pad by hand, once per service.
  local digits = [
    local s = '0000' + i;
    std.substr(s, std.length(s) - 5, 5)
    for i in std.range(0, n - 1)
  ];
  local names = ['svc-' + d for d in digits];
  local vars = ['SVC_' + d + '_URL' for d in digits];
  local name(i) = names[i];
  local depsOf = [
    if i == 0 then []
    else std.set([i - 1 - ((i * k * 7919) % std.min(i, 50)) for k in std.range(1, (i % 4))])
    for i in std.range(0, n - 1)
  ];
  local deps(i) = depsOf[i];
  // The services that depend on i are among the fifty after it.
  local dependents(i) = [
    name(j)
    for j in std.range(i + 1, std.min(n - 1, i + 50))
    if std.member(deps(j), i)
  ];
  local labels(i, env) = {
    'app.kubernetes.io/name': name(i),
    'app.kubernetes.io/part-of': 'synth',
    'nexus.dev/environment': env,
  };
  local objects(i, env) = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: name(i), namespace: 'synth-' + env, labels: labels(i, env) },
      spec: {
        replicas: 2,
        selector: { matchLabels: { 'app.kubernetes.io/name': name(i) } },
        template: {
          metadata: { labels: labels(i, env) },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{
              name: name(i),
              image: 'registry.synth.example/synth/' + name(i) + ':1.' + (i % 7) + '.' + (i % 13),
              ports: [{ name: 'http', containerPort: 8000 + (i % 1000) }],
              env: [{ name: 'LOG_LEVEL', value: 'info' }] + [
                { name: vars[d], value: 'http://' + name(d) + '.synth-' + env + '.svc.cluster.local:8000' }
                for d in deps(i)
              ],
              resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
              readinessProbe: { httpGet: { path: '/health/ready', port: 'http' }, periodSeconds: 10 },
              livenessProbe: { httpGet: { path: '/health/live', port: 'http' }, initialDelaySeconds: 15 },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: name(i), namespace: 'synth-' + env, labels: labels(i, env) },
      spec: { selector: { 'app.kubernetes.io/name': name(i) }, ports: [{ name: 'http', port: 8000 + (i % 1000), targetPort: 'http' }] },
    },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: name(i), namespace: 'synth-' + env, labels: labels(i, env) },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: name(i) },
        minReplicas: 2,
        maxReplicas: 4 + (i % 8),
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: name(i), namespace: 'synth-' + env, labels: labels(i, env) },
      spec: { minAvailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': name(i) } } },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: name(i), namespace: 'synth-' + env, labels: labels(i, env) },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': name(i) } },
        policyTypes: ['Ingress'],
        ingress: [{
          from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': c } } } for c in dependents(i)],
          ports: [{ port: 'http' }],
        }],
      },
    },
  ];
  [o for env in ['production', 'staging'] for i in std.range(0, n - 1) for o in objects(i, env)]
