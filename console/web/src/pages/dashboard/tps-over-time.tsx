import '@mantine/charts/styles.css';
import { LineChart } from '@mantine/charts';
import type { TpsRow } from './series.js';

interface Props {
  rows: TpsRow[];
  inLabel: string;
  outLabel: string;
  locale: string;
}

export default function TpsOverTime({ rows, inLabel, outLabel, locale }: Props) {
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  return (
    <LineChart
      h={200}
      dataKey="label"
      data={rows.map((r) => ({ ...r, label: time.format(r.t) }))}
      withDots={false}
      connectNulls={false}
      series={[
        { name: 'in', label: inLabel, color: 'blue.6' },
        { name: 'out', label: outLabel, color: 'teal.6' },
      ]}
    />
  );
}
