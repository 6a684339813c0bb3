import { defineTable } from '../i18n.js';

export const shell = defineTable(
  {
    product: 'KiteMQ Console',
    cluster: 'Cluster',
    topics: 'Topics',
    groups: 'Consumer groups',
    audit: 'Audit log',
    env: 'Environment',
    language: 'Language',
    dark: 'Dark',
    light: 'Light',
    colorScheme: 'Switch light / dark',
    logout: 'Log out',
    admin: 'admin',
    readOnly: 'read-only',
  },
  {
    product: 'KiteMQ 控制台',
    cluster: '集群',
    topics: '主题',
    groups: '消费组',
    audit: '审计日志',
    env: '环境',
    language: '语言',
    dark: '深色',
    light: '浅色',
    colorScheme: '切换浅色 / 深色',
    logout: '退出登录',
    admin: '管理员',
    readOnly: '只读',
  },
);

export const login = defineTable(
  {
    title: 'Sign in to KiteMQ Console',
    username: 'User name',
    password: 'Password',
    showPassword: 'Show or hide the password',
    submit: 'Sign in',
    failed: 'Sign-in failed',
  },
  {
    title: '登录 KiteMQ 控制台',
    username: '用户名',
    password: '密码',
    showPassword: '显示或隐藏密码',
    submit: '登录',
    failed: '登录失败',
  },
);
