import {
  Alert,
  Button,
  Center,
  Group,
  Paper,
  PasswordInput,
  Stack,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api.js';
import { useT } from '../i18n.js';
import { LangSwitch, SchemeSwitch } from './prefs.js';
import { login as table } from './shell.i18n.js';

export function LoginPage(props: { login: (username: string, password: string) => Promise<void> }) {
  const t = useT(table);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<{ message: string; throttled: boolean }>();
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    props.login(username, password).catch((err: unknown) => {
      // A 429 carries the server's own wait ("try again in N s"): shown as it came.
      const throttled = err instanceof ApiError && err.status === 429;
      setError({ message: err instanceof Error ? err.message : String(err), throttled });
      setBusy(false);
    });
  };
  return (
    <Center mih="100vh">
      <Paper withBorder shadow="sm" p="xl" w={380}>
        <form onSubmit={submit} data-testid="login-form">
          <Stack>
            <Group justify="space-between">
              <LangSwitch />
              <SchemeSwitch />
            </Group>
            <Title order={3}>{t.title}</Title>
            <TextInput
              label={t.username}
              name="username"
              autoComplete="username"
              required
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
            />
            <PasswordInput
              label={t.password}
              name="password"
              autoComplete="current-password"
              visibilityToggleButtonProps={{ 'aria-label': t.showPassword }}
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            {error !== undefined && (
              <Alert
                color={error.throttled ? 'orange' : 'red'}
                title={error.throttled ? t.throttled : t.failed}
                data-testid="login-error"
                data-throttled={error.throttled}
              >
                {error.message}
              </Alert>
            )}
            <Button type="submit" loading={busy}>
              {t.submit}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
