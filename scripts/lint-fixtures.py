#!/usr/bin/env python3
"""Writes the lint fixtures: nexus-lint/tests/fixtures/lint/<RULE>/{fail,pass}.yaml (and
nexus-policy.yaml where a rule needs a policy), each the base spec
nexus-lint/tests/fixtures/lint/base.yaml with one change. (The comment it writes into each
fixture names the base relative to the nexus-lint crate.)

The fixtures are committed; this script only saves writing 130 near-identical files by hand.
Run it from the repository root after changing the base or a case (needs PyYAML), then
`cargo test -p nexus-lint --test integration fixtures`.
"""
import copy, os, sys, yaml

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
OUT = os.path.join(ROOT, 'nexus-lint', 'tests', 'fixtures', 'lint')
BASE = yaml.safe_load(open(os.path.join(OUT, 'base.yaml')))
DIGEST = 'sha256:' + 'a' * 64

def svc(d, name): return d['spec']['services'][name]
def sec(d, name): return svc(d, name).setdefault('security', {})
def gw(d): return d['spec']['gateway']
def backing(d, name): return d['spec']['backingServices'][name]
def INGRESS_EDGE(d): gw(d)['kubernetes'] = {'edge': 'ingress'}
def shared_limit(sizes):
    def f(d):
        gw(d)['rateLimits'] = {'web': {'requestsPerSecond': 10, 'burst': 20}}
        gw(d)['routes'] = [{'path': '/upload', 'service': 'web', 'rateLimit': 'web', 'maxBodySize': sizes[0]},
                           {'path': '/', 'service': 'web', 'rateLimit': 'web', 'maxBodySize': sizes[1]}]
    return f

def add_db(d, backup=True, **b):
    d['spec']['secrets']['db-password'] = {'external': {'store': 'vault', 'key': 'demo/db'}}
    db = {'engine': 'postgres', 'version': '16', 'credentials': {'user': 'app', 'passwordSecret': 'db-password'},
          'database': 'app',
          'resources': {'requests': {'cpu': '500m', 'memory': '1Gi'}, 'limits': {'cpu': '1', 'memory': '1Gi'}},
          'storage': {'size': '10Gi'}}
    if backup:
        db['backup'] = {'incremental': '0 * * * *', 'full': '0 2 * * *', 'retention': {'incremental': 48, 'full': 14}}
        db['backup'].update(b)
    d['spec']['backingServices']['db'] = db

def add_store(d):
    d['spec']['secrets']['store-password'] = {'external': {'store': 'vault', 'key': 'demo/store'}}
    d['spec']['backingServices']['store'] = {'engine': 'minio', 'version': 'RELEASE.2024-06-13T22-53-53Z',
        'credentials': {'user': 'backup', 'passwordSecret': 'store-password'}, 'database': 'backups',
        'resources': {'requests': {'cpu': '250m', 'memory': '512Mi'}, 'limits': {'cpu': '500m', 'memory': '512Mi'}},
        'storage': {'size': '50Gi'}}

def add_destinations(d, offsite=False):
    add_store(d)
    d['spec']['secrets']['store-backup-password'] = {'external': {'store': 'vault', 'key': 'demo/store-backup'}}
    dests = {'local': {'minio': 'store', 'bucket': 'demo-backups',
                       'credentials': {'accessKey': 'demo-backup', 'secretKeySecret': 'store-backup-password'}}}
    if offsite:
        for k in ('offsite-access-key', 'offsite-secret-key'):
            d['spec']['secrets'][k] = {'external': {'store': 'vault', 'key': 'demo/' + k}}
        dests['offsite'] = {'endpoint': 'https://s3.eu-west-1.amazonaws.com', 'region': 'eu-west-1',
                            'bucket': 'demo-backups-offsite',
                            'credentials': {'accessKeySecret': 'offsite-access-key', 'secretKeySecret': 'offsite-secret-key'}}
    d['spec']['backupDestinations'] = dests

def add_graph(d):
    d['spec']['secrets']['graph-password'] = {'external': {'store': 'vault', 'key': 'demo/graph'}}
    d['spec']['backingServices']['graph'] = {'engine': 'neo4j', 'version': '5',
        'credentials': {'passwordSecret': 'graph-password'},
        'resources': {'requests': {'cpu': '500m', 'memory': '1Gi'}, 'limits': {'cpu': '1', 'memory': '1Gi'}},
        'storage': {'size': '10Gi'},
        'backup': {'incremental': '0 * * * *', 'full': '0 2 * * *', 'retention': {'incremental': 48, 'full': 14}}}

def add_queue(scaled):
    def f(d):
        d['spec']['secrets']['mq-password'] = {'external': {'store': 'vault', 'key': 'demo/mq'}}
        d['spec']['backingServices']['mq'] = {'engine': 'rabbitmq', 'version': '3',
            'credentials': {'user': 'app', 'passwordSecret': 'mq-password'}, 'database': 'app',
            'resources': {'requests': {'cpu': '250m', 'memory': '512Mi'}, 'limits': {'cpu': '500m', 'memory': '512Mi'}},
            'storage': {'size': '5Gi'}}
        api = svc(d, 'api')
        api.setdefault('env', {})['AMQP_URL'] = 'amqp://${mq.user}:${secrets.mq-password}@${mq.host}:${mq.port}/${mq.database}'
        api['dependsOn'] = api.get('dependsOn', []) + ['mq']
        a = {'minReplicas': 2, 'maxReplicas': 4, 'targetCpuUtilization': 70}
        if scaled:
            a['queue'] = {'workload': 'mq', 'queue': 'tasks', 'targetLength': 50}
        api['autoscaling'] = a
    return f

def set_(path, value):
    def f(d):
        node = d
        for k in path[:-1]:
            node = node.setdefault(k, {})
        node[path[-1]] = value
    return f

def delete(path):
    def f(d):
        node = d
        for k in path[:-1]:
            node = node[k]
        del node[path[-1]]
    return f

def chain(*fs):
    def f(d):
        for g in fs: g(d)
    return f

WEB = ['spec', 'services', 'web']
API = ['spec', 'services', 'api']
NOOP = lambda d: None

def host_path(read_only=None, path='/srv/data'):
    def f(d):
        h = {'hostPath': path, 'mountPath': '/data'}
        if read_only is not None: h['readOnly'] = read_only
        sec(d, 'web')['hostPaths'] = [h]
    return f

def no_pdb(d):
    for n in ('web', 'api'):
        svc(d, n)['replicas'] = 1
        svc(d, n).pop('disruptionBudget', None)

def no_liveness(d):
    for n in ('web', 'api'):
        del svc(d, n)['health']['liveness']

def waiver(**w):
    def f(d):
        d['spec'].setdefault('waivers', []).append(dict({'object': 'web', 'reason': 'Compose is only used on laptops, where downtime is fine'}, **w))
    return f

def api_public_route(d):
    svc(d, 'api')['exposure'] = 'public'
    gw(d)['routes'].insert(0, {'path': '/api', 'service': 'api'})

def pin_all(d):
    for n in ('web', 'api'):
        svc(d, n)['image'] += '@' + DIGEST
    backing(d, 'cache')['image'] = 'docker.io/library/redis:7@' + DIGEST
    gw(d)['nginx']['image'] = 'nginxinc/nginx-unprivileged:1.27@' + DIGEST

def secret(name, external=True):
    def f(d):
        d['spec']['secrets'][name] = {'external': {'store': 'vault', 'key': 'demo/' + name}} if external else {'description': 'Set by hand.'}
    return f

def use_secret(name):
    return set_(WEB + ['env', 'LICENSE_TOKEN'], '${secrets.%s}' % name)

# rule: (what fails, fail mod, what passes, pass mod, policy or None)
R = {
 'NX-POD-001': ('`web` runs privileged', set_(WEB + ['security', 'privileged'], True), '`privileged: false`', set_(WEB + ['security', 'privileged'], False), None),
 'NX-POD-002': ('`web` allows privilege escalation', set_(WEB + ['security', 'allowPrivilegeEscalation'], True), 'escalation explicitly off', set_(WEB + ['security', 'allowPrivilegeEscalation'], False), None),
 'NX-POD-003': ('`web` may start as root', set_(WEB + ['security', 'runAsNonRoot'], False), '`runAsNonRoot: true`', set_(WEB + ['security', 'runAsNonRoot'], True), None),
 'NX-POD-004': ('`web` runs as UID 0', chain(set_(WEB + ['security', 'runAsNonRoot'], False), set_(WEB + ['security', 'runAsUser'], 0)), 'an unprivileged UID', set_(WEB + ['security', 'runAsUser'], 10001), None),
 'NX-POD-005': ('`web` runs with GID 0', set_(WEB + ['security', 'runAsGroup'], 0), 'an unprivileged GID', set_(WEB + ['security', 'runAsGroup'], 10001), None),
 'NX-POD-006': ('`web` has a writable root filesystem', set_(WEB + ['security', 'readOnlyRootFilesystem'], False), 'read-only root with a writable cache path', chain(set_(WEB + ['security', 'readOnlyRootFilesystem'], True), set_(WEB + ['security', 'writablePaths'], ['/var/cache/web'])), None),
 'NX-POD-007': ('`web` drops only NET_RAW', set_(WEB + ['security', 'capabilities'], {'drop': ['NET_RAW']}), 'drops ALL', set_(WEB + ['security', 'capabilities'], {'drop': ['ALL']}), None),
 'NX-POD-008': ('`web` adds CHOWN', set_(WEB + ['security', 'capabilities'], {'add': ['CHOWN']}), 'adds only NET_BIND_SERVICE', set_(WEB + ['security', 'capabilities'], {'add': ['NET_BIND_SERVICE']}), None),
 'NX-POD-009': ('`web` adds SYS_ADMIN', set_(WEB + ['security', 'capabilities'], {'add': ['SYS_ADMIN']}), 'adds only NET_BIND_SERVICE', set_(WEB + ['security', 'capabilities'], {'add': ['NET_BIND_SERVICE']}), None),
 'NX-POD-010': ('`web` uses the host network', set_(WEB + ['security', 'hostNetwork'], True), '`hostNetwork: false`', set_(WEB + ['security', 'hostNetwork'], False), None),
 'NX-POD-011': ('`web` uses the host PID namespace', set_(WEB + ['security', 'hostPid'], True), '`hostPid: false`', set_(WEB + ['security', 'hostPid'], False), None),
 'NX-POD-012': ('`web` uses the host IPC namespace', set_(WEB + ['security', 'hostIpc'], True), '`hostIpc: false`', set_(WEB + ['security', 'hostIpc'], False), None),
 'NX-POD-013': ('`web` mounts a node directory', host_path(), 'no host paths', NOOP, None),
 'NX-POD-014': ("`web` mounts the Docker socket", host_path(path='/var/run/docker.sock'), 'an ordinary node directory (NX-POD-013 still fires)', host_path(), None),
 'NX-POD-015': ('`web` mounts a node directory writable', host_path(read_only=False), 'the node directory read-only', host_path(read_only=True), None),
 'NX-POD-016': ('`web` runs without seccomp', set_(WEB + ['security', 'seccomp'], 'unconfined'), 'the runtime default profile', set_(WEB + ['security', 'seccomp'], 'runtime-default'), None),
 'NX-POD-017': ('`web` binds a host port', set_(WEB + ['ports'], [{'name': 'http', 'port': 8080, 'hostPort': 8080}]), 'no host port', NOOP, None),
 'NX-POD-018': ('staging deploys into `default`', set_(['spec', 'environments', 'staging', 'namespace'], 'default'), 'its own namespace', set_(['spec', 'environments', 'staging', 'namespace'], 'demo-staging'), None),
 'NX-RES-001': ('`web` has no CPU request', delete(WEB + ['resources', 'requests', 'cpu']), 'a CPU request', NOOP, None),
 'NX-RES-002': ('`web` has no memory request', delete(WEB + ['resources', 'requests', 'memory']), 'a memory request', NOOP, None),
 'NX-RES-003': ('`web` has no CPU limit', delete(WEB + ['resources', 'limits', 'cpu']), 'a CPU limit', NOOP, None),
 'NX-RES-004': ('`web` has no memory limit', delete(WEB + ['resources', 'limits', 'memory']), 'a memory limit', NOOP, None),
 'NX-RES-006': ("`web`'s CPU limit is 8 times its request", set_(WEB + ['resources', 'limits', 'cpu'], '2'), 'a limit 4 times the request (the bound)', set_(WEB + ['resources', 'limits', 'cpu'], '1'), None),
 'NX-RES-007': ('`web` requests 8Mi of memory, below the 16Mi minimum', set_(WEB + ['resources', 'requests', 'memory'], '8Mi'), 'the minimum itself', set_(WEB + ['resources', 'requests', 'memory'], '16Mi'), None),
 'NX-RES-008': ('`api` autoscales to 6 replicas: with rollout surge and the gateway proxies 3.05 cores of requests against a 2-core budget', set_(API + ['autoscaling'], {'minReplicas': 2, 'maxReplicas': 6, 'targetCpuUtilization': 70}), '1.8 cores of requests, within the budget', NOOP,
                {'environments': {'staging': {'budget': {'requests': {'cpu': '2', 'memory': '3Gi'}, 'limits': {'cpu': '6', 'memory': '6Gi'}}}}}),
 'NX-RES-010': ('staging declares a quota of 1 CPU of requests; its workloads need more at full scale', set_(['spec', 'environments', 'staging'], {'quota': {'requests': {'cpu': '1'}, 'pods': 4}}), 'a quota that holds them', set_(['spec', 'environments', 'staging'], {'quota': {'requests': {'cpu': '2'}, 'pods': 10}}), None),
 'NX-RES-009': ("`cache`'s memory limit is twice its request", set_(['spec', 'backingServices', 'cache', 'resources', 'limits', 'memory'], '512Mi'), 'limit equal to request', NOOP, None),
 'NX-AVL-001': ('`web` (frontend) runs 1 replica; the tier needs 2', chain(set_(WEB + ['replicas'], 1), delete(WEB + ['disruptionBudget'])), '2 replicas', NOOP, None),
 'NX-AVL-002': ('`web` runs 2 replicas without a disruption budget', delete(WEB + ['disruptionBudget']), 'a disruption budget', NOOP, None),
 'NX-AVL-003': ("`web`'s budget keeps both of its 2 replicas", set_(WEB + ['disruptionBudget'], {'minAvailable': 2}), '`minAvailable: 1`', NOOP, None),
 'NX-AVL-004': ('`web` autoscales down to 2 but its budget keeps 2', chain(set_(WEB + ['autoscaling'], {'minReplicas': 2, 'maxReplicas': 4, 'targetCpuUtilization': 70}), set_(WEB + ['disruptionBudget'], {'minAvailable': 2})), '`minAvailable: 1` below `minReplicas: 2`', set_(WEB + ['autoscaling'], {'minReplicas': 2, 'maxReplicas': 4, 'targetCpuUtilization': 70}), None),
 'NX-AVL-005': ('`api` has no readiness check', delete(API + ['health', 'readiness']), 'a readiness check', NOOP, None),
 'NX-AVL-006': ('`api` has no liveness check', delete(API + ['health', 'liveness']), 'a liveness check', NOOP, None),
 'NX-AVL-007': ('`db` (postgres) keeps data without backups', lambda d: add_db(d, backup=False), 'hourly and daily backups', lambda d: add_db(d), None),
 'NX-AVL-008': ('`db` is backed up weekly with WAL archiving off; the policy\'s RPO is 24h', lambda d: add_db(d, incremental=None, full='0 3 * * 0', continuous=False), 'hourly incremental backups', lambda d: add_db(d, continuous=False), None),
 'NX-AVL-009': ('backups of `db` have no destination', lambda d: add_db(d), 'backups go to the MinIO `store`', lambda d: (add_store(d), add_db(d, destination='store')), None),
 'NX-AVL-010': ('`db` keeps 3 daily full backups; the policy wants 7 days', lambda d: add_db(d, retention={'full': 3}), '14 daily full backups', lambda d: add_db(d), None),
 'NX-AVL-011': ('`graph` (neo4j) declares backups nexus cannot take', add_graph, 'the same backups declared for a postgres `db`', lambda d: add_db(d), None),
 'NX-AVL-040': ('`api` scales on the depth of the queue `tasks`', add_queue(True), '`api` scales on CPU only', add_queue(False), None),
 'NX-AVL-020': ('`db` declares rpo 1h with WAL archiving off: hourly backups lose up to 61m', lambda d: add_db(d, rpo='1h', continuous=False), 'WAL archiving on (the default)', lambda d: add_db(d, rpo='1h'), None),
 'NX-AVL-021': ('every backup of `db` stays in the cluster', lambda d: (add_destinations(d), add_db(d, destinations=['local'])), 'copied to `local` and `offsite`', lambda d: (add_destinations(d, offsite=True), add_db(d, destinations=['local', 'offsite'])), None),
 'NX-AVL-022': ('backups of `db` are written to `store` with its root account', lambda d: (add_store(d), add_db(d, destination='store')), 'written to the declared destination `local` (a backup user)', lambda d: (add_destinations(d), add_db(d, destinations=['local'])), None),
 'NX-IMG-001': ('`web` uses `:latest`', set_(WEB + ['image'], 'registry.example.com/demo/web:latest'), 'a version tag', NOOP, None),
 'NX-IMG-002': ('images are referenced by tag only (the policy turns the rule on)', NOOP, 'every image pinned by digest', pin_all, {'rules': {'NX-IMG-002': 'warning'}}),
 'NX-IMG-003': ('`web` comes from ghcr.io, not on the allow-list', set_(WEB + ['image'], 'ghcr.io/demo/web:1.0.0'), 'every registry allowed', NOOP, {'images': {'allowedRegistries': ['registry.example.com', 'docker.io']}}),
 'NX-IMG-004': ('`web` comes from k8s.gcr.io', set_(WEB + ['image'], 'k8s.gcr.io/demo/web:1.0.0'), 'registry.k8s.io', set_(WEB + ['image'], 'registry.k8s.io/demo/web:1.0.0'), None),
 'NX-SEC-001': ('`web` sets SESSION_SECRET to a literal', set_(WEB + ['env', 'SESSION_SECRET'], 'hunter2'), 'a secret reference', set_(WEB + ['env', 'SESSION_SECRET'], '${secrets.cache-password}'), None),
 'NX-SEC-002': ('`web` has a password inside a URL', set_(WEB + ['env', 'METRICS_URL'], 'https://metrics:hunter2@metrics.example.com/push'), 'the password as a secret reference', set_(WEB + ['env', 'METRICS_URL'], 'https://metrics:${secrets.cache-password}@metrics.example.com/push'), None),
 'NX-SEC-006': ('`web` sets AWS_ACCESS_KEY_ID to a literal access key id', set_(WEB + ['env', 'AWS_ACCESS_KEY_ID'], 'AKIAIOSFODNN7EXAMPLE'), 'the key id as a secret reference', set_(WEB + ['env', 'AWS_ACCESS_KEY_ID'], '${secrets.cache-password}'), None),
 'NX-SEC-007': ('`web` migrates with a literal --password', set_(WEB + ['migrations'], {'command': ['migrate', '--password', 'hunter2']}), 'the password from an environment variable', set_(WEB + ['migrations'], {'command': ['migrate', '--password', '$(DB_PASSWORD)']}), None),
 'NX-SEC-004': ('`license-token` has no external store', chain(secret('license-token', external=False), use_secret('license-token')), 'kept in the vault', chain(secret('license-token'), use_secret('license-token')), None),
 'NX-SEC-005': ('`license-token` is declared but unused', secret('license-token'), 'used by `web`', chain(secret('license-token'), use_secret('license-token')), None),
 'NX-SEC-031': ('staging and production read the store key `demo/cache`', set_(['spec', 'environments', 'production'], {}), 'each environment reads `demo/{environment}/cache`', chain(set_(['spec', 'environments', 'production'], {}), set_(['spec', 'secrets', 'cache-password', 'external', 'key'], 'demo/{environment}/cache')), None),
 'NX-NET-001': ('the gateway has no TLS', delete(['spec', 'gateway', 'tls']), 'TLS on', NOOP, None),
 'NX-NET-002': ('the gateway accepts TLS 1.1', set_(['spec', 'gateway', 'tls', 'minVersion'], 'TLSv1.1'), 'TLS 1.2 at least', set_(['spec', 'gateway', 'tls', 'minVersion'], 'TLSv1.2'), None),
 'NX-NET-003': ('HSTS lasts one day', set_(['spec', 'gateway', 'hsts'], {'maxAge': 86400}), 'HSTS for two years', set_(['spec', 'gateway', 'hsts'], {'maxAge': 63072000}), None),
 'NX-NET-004': ('a route publishes `api`, which is internal', lambda d: gw(d)['routes'].insert(0, {'path': '/api', 'service': 'api'}), '`api` marked public', api_public_route, None),
 'NX-NET-005': ('`web` (frontend) depends on `cache` (data)', set_(WEB + ['dependsOn'], ['api', 'cache']), 'only the back end reaches the data tier', NOOP, None),
 'NX-NET-006': ('`api` listens on port 22', set_(API + ['ports'], [{'name': 'http', 'port': 8000}, {'name': 'ssh', 'port': 22}]), 'no SSH port', NOOP, None),
 'NX-NET-007': ('`api` listens on port 80', set_(API + ['ports'], [{'name': 'http', 'port': 80}]), 'a port above 1024', NOOP, None),
 'NX-NET-008': ('`api` is public but no route reaches it', set_(API + ['exposure'], 'public'), 'a route to it', api_public_route, None),
 'NX-NET-021': ('the gateway on the Ingress edge declares TLS 1.3 as its floor, which an Ingress cannot set', chain(INGRESS_EDGE, set_(['spec', 'gateway', 'tls', 'minVersion'], 'TLSv1.3')), 'TLS 1.2, the floor of an Ingress controller by default', chain(INGRESS_EDGE, set_(['spec', 'gateway', 'tls', 'minVersion'], 'TLSv1.2')), None),
 'NX-NET-030': ('the gateway is on the Ingress edge, which sends no security headers', INGRESS_EDGE, 'the default Gateway API edge', NOOP, None),
 'NX-NET-031': ('the gateway trusts a proxy in front of it', set_(['spec', 'gateway', 'trustedProxies'], ['10.0.0.0/8']), 'no trusted proxies', NOOP, None),
 'NX-NET-032': ('on the Ingress edge, two routes with different body sizes share a rate limit', chain(INGRESS_EDGE, shared_limit(['64Ki', '1Mi'])), 'the two routes have the same body size', chain(INGRESS_EDGE, shared_limit(['1Mi', '1Mi'])), None),
 'NX-NET-033': ('the gateway is on the Ingress edge with TLS', INGRESS_EDGE, 'the default Gateway API edge', NOOP, None),
 'NX-CMP-001': ('`api` autoscales', set_(API + ['autoscaling'], {'minReplicas': 2, 'maxReplicas': 4, 'targetCpuUtilization': 70}), 'fixed replicas', NOOP, None),
 'NX-CMP-002': ('`web` and `api` have disruption budgets', NOOP, 'single replicas without budgets', no_pdb, None),
 'NX-CMP-003': ('`api` rolls out blue-green', set_(API + ['rollout'], {'strategy': 'blue-green', 'activeSlot': 'blue'}), 'a rolling update', set_(API + ['rollout'], {'strategy': 'rolling'}), None),
 'NX-CMP-004': ('the secret comes from an external store', NOOP, 'a secret set by hand', secret('cache-password', external=False), None),
 'NX-CMP-005': ('`web` and `api` have liveness checks', NOOP, 'no liveness checks', no_liveness, None),
 'NX-CMP-006': ('the Compose gateway binds 0.0.0.0', set_(['spec', 'gateway', 'nginx', 'bindAddress'], '0.0.0.0'), 'the default, 127.0.0.1', set_(['spec', 'gateway', 'nginx', 'bindAddress'], '127.0.0.1'), None),
 'NX-CMP-007': ('`db` declares backups', lambda d: add_db(d), 'the same database without backups', lambda d: add_db(d, backup=False), None),
 'NX-NGX-001': ('`web` is public but there is no gateway', delete(['spec', 'gateway']), 'no gateway and nothing public', chain(delete(['spec', 'gateway']), delete(WEB + ['exposure'])), None),
 'NX-NGX-002': ('TLS comes from a cert-manager issuer', set_(['spec', 'gateway', 'tls', 'issuer'], 'letsencrypt'), 'a certificate secret only', NOOP, None),
 'NX-NGX-003': ('the gateway is rendered for Nginx 1.24', set_(['spec', 'gateway', 'nginx', 'version'], '1.24'), 'Nginx 1.27', set_(['spec', 'gateway', 'nginx', 'version'], '1.27'), None),
 'NX-NGX-004': ('a route targets a UDP port', chain(set_(API + ['ports'], [{'name': 'http', 'port': 8000}, {'name': 'stream', 'port': 9000, 'protocol': 'UDP'}]), api_public_route, lambda d: gw(d)['routes'][0].__setitem__('port', 'stream')), 'the route targets the TCP port', chain(set_(API + ['ports'], [{'name': 'http', 'port': 8000}, {'name': 'stream', 'port': 9000, 'protocol': 'UDP'}]), api_public_route), None),
 'NX-WVR-001': ('a waiver expired on 2026-01-01', waiver(rule='NX-CMP-002', expires='2026-01-01'), 'the waiver runs until 2027-01-01', waiver(rule='NX-CMP-002', expires='2027-01-01'), None),
 'NX-WVR-002': ('a waiver for NX-POD-001 on `web`, which is not privileged', waiver(rule='NX-POD-001'), 'the waiver matches a finding', waiver(rule='NX-CMP-002'), None),
 'NX-WVR-003': ('a waiver names the rule NX-POD-999', waiver(rule='NX-POD-999'), 'a waiver of an existing rule', waiver(rule='NX-CMP-002'), None),
}

IR_ONLY = {'NX-RES-005', 'NX-SEC-003'}

def dump(d, header):
    body = yaml.safe_dump(d, sort_keys=False, default_flow_style=False, width=100)
    return ''.join('# ' + l + '\n' for l in header) + body

os.makedirs(OUT, exist_ok=True)
for rule, (fwhat, fmod, pwhat, pmod, policy) in R.items():
    dirp = os.path.join(OUT, rule)
    os.makedirs(dirp, exist_ok=True)
    f = copy.deepcopy(BASE); fmod(f)
    p = copy.deepcopy(BASE); pmod(p)
    # prune None values added by add_db(incremental=None)
    for d in (f, p):
        for b in d['spec']['backingServices'].values():
            bk = b.get('backup')
            if bk and bk.get('incremental') is None: bk.pop('incremental', None)
    open(os.path.join(dirp, 'fail.yaml'), 'w').write(dump(f, [f'{rule} fires: {fwhat}.', 'tests/fixtures/lint/base.yaml with one change (scripts/lint-fixtures.py).']))
    open(os.path.join(dirp, 'pass.yaml'), 'w').write(dump(p, [f'{rule} does not fire: {pwhat}.', 'tests/fixtures/lint/base.yaml with one change (scripts/lint-fixtures.py).']))
    if policy:
        policy_doc = dict({'apiVersion': 'nexus.dev/v1alpha1', 'kind': 'LintPolicy'}, **policy)
        open(os.path.join(dirp, 'nexus-policy.yaml'), 'w').write(dump(policy_doc, [f'Policy for the {rule} fixtures.']))
for rule in IR_ONLY:
    dirp = os.path.join(OUT, rule)
    os.makedirs(dirp, exist_ok=True)
    open(os.path.join(dirp, 'pass.yaml'), 'w').write(dump(copy.deepcopy(BASE), [f'{rule} does not fire on the base spec. Spec validation already rejects what this rule', 'catches, so its failing case is this spec resolved and then altered in memory', '(see IR_ONLY in nexus-lint/tests/integration/fixtures.rs).']))
print(len(R) + len(IR_ONLY))
