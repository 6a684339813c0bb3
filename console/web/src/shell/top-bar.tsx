import { Badge, Button, Group, Select, Text, Title } from '@mantine/core';
import { useT } from '../i18n.js';
import { useSession } from '../session.js';
import { LangSwitch, SchemeSwitch } from './prefs.js';
import { shell } from './shell.i18n.js';

export function TopBar() {
  const t = useT(shell);
  const { user, envs, env, setEnv, logout } = useSession();
  return (
    <Group h="100%" px="md" justify="space-between" wrap="nowrap">
      <Group wrap="nowrap">
        <Title order={4}>{t.product}</Title>
        <Select
          size="xs"
          w={260}
          aria-label={t.env}
          data-testid="env-picker"
          allowDeselect={false}
          value={env}
          onChange={(v) => v !== null && setEnv(v)}
          data={envs.map((e) => ({ value: e.id, label: `${e.id} · ${e.namesrvAddr}` }))}
        />
      </Group>
      <Group wrap="nowrap">
        <LangSwitch />
        <SchemeSwitch />
        <Text size="sm" data-testid="user-name">
          {user.name}
        </Text>
        <Badge variant="light" color={user.role === 'admin' ? 'blue' : 'gray'} data-testid="role">
          {user.role === 'admin' ? t.admin : t.readOnly}
        </Badge>
        <Button size="xs" variant="default" onClick={() => void logout()} data-testid="logout">
          {t.logout}
        </Button>
      </Group>
    </Group>
  );
}
