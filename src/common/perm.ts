// PermName bits (common/constant/PermName.java): topics are normally RW (6); TBW102 is RW+INHERIT.
export const PERM_PRIORITY = 8;
export const PERM_READ = 4;
export const PERM_WRITE = 2;
export const PERM_INHERIT = 1;

export const isReadable = (perm: number): boolean => (perm & PERM_READ) === PERM_READ;
export const isWriteable = (perm: number): boolean => (perm & PERM_WRITE) === PERM_WRITE;
export const isInherited = (perm: number): boolean => (perm & PERM_INHERIT) === PERM_INHERIT;

export function perm2String(perm: number): string {
  return (
    (isReadable(perm) ? 'R' : '-') +
    (isWriteable(perm) ? 'W' : '-') +
    (isInherited(perm) ? 'X' : '-')
  );
}
