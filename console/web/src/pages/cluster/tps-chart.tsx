import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import type { BrokerRow } from '../../types.js';

interface Props {
  brokers: BrokerRow[];
  inLabel: string;
  outLabel: string;
}

export default function TpsChart({ brokers, inLabel, outLabel }: Props) {
  return (
    <BarChart
      h={180}
      dataKey="broker"
      data={brokers.map((b) => ({
        broker: `${b.brokerName}/${b.brokerId}`,
        in: b.inTps,
        out: b.outTps,
      }))}
      series={[
        { name: 'in', label: inLabel, color: 'blue.6' },
        { name: 'out', label: outLabel, color: 'teal.6' },
      ]}
    />
  );
}
