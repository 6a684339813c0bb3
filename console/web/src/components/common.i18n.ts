import { defineTable } from '../i18n.js';

export const common = defineTable(
  {
    readOnly: 'Your role is read-only: ask an admin to make changes',
    unknown: 'unknown',
    loading: 'Loading…',
    retry: 'Retry',
    refresh: 'Refresh',
    failed: 'The console could not load this',
    cancel: 'Cancel',
    none: 'none',
    close: 'Close',
  },
  {
    readOnly: '只读角色：如需修改请联系管理员',
    unknown: '未知',
    loading: '加载中…',
    retry: '重试',
    refresh: '刷新',
    failed: '控制台无法加载此内容',
    cancel: '取消',
    none: '无',
    close: '关闭',
  },
);
