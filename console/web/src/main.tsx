import '@mantine/core/styles.css';
import { localStorageColorSchemeManager, MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { LangProvider } from './i18n.js';

const colorSchemeManager = localStorageColorSchemeManager({ key: 'kitemq.console.scheme' });

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <MantineProvider defaultColorScheme="light" colorSchemeManager={colorSchemeManager}>
      <LangProvider>
        <App />
      </LangProvider>
    </MantineProvider>
  </StrictMode>,
);
