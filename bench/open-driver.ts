// Connects the Driver a DriverSpec names, in whatever process asks: e2e-worker.ts opens its own
// connection to the server the runner already prepared. Peers' client libraries are imported on
// demand, so a KiteMQ-only run never loads them.
import type { Driver, DriverSpec } from './workload.js';

function portOf(spec: DriverSpec): number {
  if (spec.port === undefined) throw new Error(`${spec.kind} driver spec has no port`);
  return spec.port;
}

export async function openDriver(spec: DriverSpec): Promise<Driver> {
  switch (spec.kind) {
    case 'kitemq': {
      const { KiteMQDriver } = await import('./kitemq-driver.js');
      if (spec.namesrvAddr === undefined) throw new Error('kitemq driver spec has no namesrvAddr');
      const { namesrvAddr, brokerAddr, queues, durability } = spec;
      return KiteMQDriver.connect({ namesrvAddr, brokerAddr, queues, durability });
    }
    case 'nats': {
      const { NatsDriver } = await import('./peers/nats.js');
      return NatsDriver.connect(portOf(spec), spec.durability);
    }
    case 'redis': {
      const { RedisDriver } = await import('./peers/redis.js');
      return new RedisDriver(portOf(spec), spec.durability);
    }
    case 'rabbitmq': {
      const { RabbitDriver } = await import('./peers/rabbitmq.js');
      return RabbitDriver.connect(portOf(spec), spec.durability);
    }
  }
}
