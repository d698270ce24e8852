// Generates the benchmark inputs into .bench-tmp/ (git-ignored): a 10,000-Deployment YAML stream with
// 3 SidecarSets, and a 100,000-Pod JSON PodList for plan-rollout.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

export const dir = path.resolve(import.meta.dirname, '../.bench-tmp');

export function deploymentStream(count = 10000) {
  const file = path.join(dir, `deployments-${count}.yaml`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const parts = [];
  for (let i = 0; i < count; i++) {
    const team = ['payments', 'search', 'checkout', 'catalog'][i % 4];
    parts.push(`# service ${i} of team ${team}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-${i}
  namespace: team-${team}
  labels:
    app: svc-${i}
    team: ${team}
spec:
  replicas: ${1 + (i % 5)}
  selector:
    matchLabels:
      app: svc-${i}
  template:
    metadata:
      labels:
        app: svc-${i}
        team: ${team}
        logging: "${i % 3 === 0 ? 'filebeat' : 'none'}"
        mesh: "${i % 2 === 0 ? 'on' : 'off'}"
    spec:
      containers:
      - name: app
        image: registry.example.com/${team}/svc-${i}:1.${i % 10}.0
        ports:
        - containerPort: 8080
          name: http
        env:
        - name: TZ
          value: Europe/Berlin
        - name: SERVICE_ID
          value: "${i}"
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
          limits:
            cpu: "1"
            memory: 512Mi
        volumeMounts:
        - name: logs
          mountPath: /var/log/app
      volumes:
      - name: logs
        emptyDir: {}
`);
  }
  writeFileSync(file, parts.join('---\n'));
  return file;
}

export function sidecarSets() {
  const file = path.join(dir, 'sidecarsets.yaml');
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    file,
    `apiVersion: apps.kruise.io/v1beta1
kind: SidecarSet
metadata:
  name: filebeat
spec:
  selector:
    matchLabels:
      logging: filebeat
  containers:
  - name: filebeat
    image: docker.elastic.co/beats/filebeat:7.16.2
    shareVolumePolicy:
      type: enabled
    transferEnv:
    - sourceContainerName: app
      envName: TZ
---
apiVersion: apps.kruise.io/v1beta1
kind: SidecarSet
metadata:
  name: mesh
spec:
  selector:
    matchLabels:
      mesh: "on"
  containers:
  - name: proxy
    image: registry.example.com/mesh/proxy:1.21.3
    ports:
    - containerPort: 15000
      name: admin
---
apiVersion: apps.kruise.io/v1beta1
kind: SidecarSet
metadata:
  name: node-agent
spec:
  selector:
    matchExpressions:
    - key: team
      operator: In
      values: [payments, checkout]
  containers:
  - name: agent
    image: registry.example.com/obs/agent:3.2.1
    resources:
      requests:
        cpu: 10m
        memory: 32Mi
`,
  );
  return file;
}
