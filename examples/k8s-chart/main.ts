/**
 * Your own cdk8s chart: a Postgres cluster run by CloudNativePG, the web app reading and writing it,
 * and a queue worker scaled by KEDA on its Kafka consumer lag. The cluster must run the operators
 * (CloudNativePG with the barman-cloud plugin, KEDA, Strimzi for the Kafka secrets).
 */
import { App, Chart } from 'cdk8s';
import { PostgresCluster, QueueWorker, WebApp } from 'stagekit/k8s';

const app = new App({ outdir: 'dist' });
const chart = new Chart(app, 'shop', { namespace: 'shop' });

const db = new PostgresCluster(chart, 'db', {
  product: 'shop',
  name: 'shop-db',
  instances: 3,
  zones: 3,
  storageGiB: 100,
  storageClass: 'fast-ssd',
  objectStoreName: 'shop-backups',
});

new WebApp(chart, 'web', {
  product: 'shop',
  image: 'ghcr.io/example/shop:1.4.2',
  port: 8080,
  healthCheckPath: '/healthz',
  replicas: 3,
  maxReplicas: 12,
  zones: 3,
  host: 'shop.example.com',
  env: { DATABASE_HOST: db.rwService, DATABASE_READ_HOST: db.roService },
  secretEnv: { DATABASE_PASSWORD: { secret: 'shop-db-app', key: 'password' } },
});

new QueueWorker(chart, 'worker', {
  product: 'shop',
  name: 'mailer',
  image: 'ghcr.io/example/shop-worker:1.4.2',
  minReplicas: 1,
  maxReplicas: 20,
  zones: 3,
  kafka: {
    bootstrapServers: 'events-kafka-bootstrap.shop.svc:9093',
    topic: 'emails',
    consumerGroup: 'mailer',
    lagThreshold: 100,
    caSecret: 'events-cluster-ca-cert',
    userSecret: 'mailer',
  },
});

app.synth();
console.log(`wrote ${app.outdir}/shop.k8s.yaml`);
