/**
 * Capture-file block types (libscap's savefile format): a section header, metadata blocks (machine,
 * processes, fds, interfaces, users) and event blocks. Each block is `type u32, total length u32,
 * body padded to 4 bytes, total length u32 again`.
 */

export type BlockKind = 'section' | 'machine' | 'proclist' | 'fdlist' | 'event' | 'iflist' | 'userlist';

/** What a block type id is and, for versioned blocks, which layout version it uses. */
export interface BlockType {
  kind: BlockKind;
  version: number;
  /** Event blocks: carries 32 bits of flags before the event. */
  hasFlags?: boolean;
  /** Event blocks: event header without nparams (pre-V2 layout). */
  noNparams?: boolean;
}

export const SECTION_HEADER_MAGIC = 0x1a2b3c4d;
export const SECTION_HEADER_BLOCK = 0x0a0d0d0a;
/** The newest major version of the format this reader understands. */
export const MAX_MAJOR_VERSION = 1;

export const BLOCK_TYPES: ReadonlyMap<number, BlockType> = new Map<number, BlockType>([
  [SECTION_HEADER_BLOCK, { kind: 'section', version: 1 }],
  [0x201, { kind: 'machine', version: 1 }],
  [0x8002abcd, { kind: 'machine', version: 1 }],
  [0x202, { kind: 'proclist', version: 1 }],
  [0x8000abcd, { kind: 'proclist', version: 1 }],
  [0x207, { kind: 'proclist', version: 2 }],
  [0x8013abcd, { kind: 'proclist', version: 2 }],
  [0x209, { kind: 'proclist', version: 3 }],
  [0x8014abcd, { kind: 'proclist', version: 3 }],
  [0x210, { kind: 'proclist', version: 4 }],
  [0x211, { kind: 'proclist', version: 5 }],
  [0x212, { kind: 'proclist', version: 6 }],
  [0x213, { kind: 'proclist', version: 7 }],
  [0x214, { kind: 'proclist', version: 8 }],
  [0x215, { kind: 'proclist', version: 9 }],
  [0x203, { kind: 'fdlist', version: 1 }],
  [0x8001abcd, { kind: 'fdlist', version: 1 }],
  [0x218, { kind: 'fdlist', version: 2 }],
  [0x204, { kind: 'event', version: 1, noNparams: true }],
  [0x8010abcd, { kind: 'event', version: 1, noNparams: true }],
  [0x216, { kind: 'event', version: 2 }],
  [0x221, { kind: 'event', version: 3 }],
  [0x208, { kind: 'event', version: 1, noNparams: true, hasFlags: true }],
  [0x217, { kind: 'event', version: 2, hasFlags: true }],
  [0x222, { kind: 'event', version: 3, hasFlags: true }],
  [0x205, { kind: 'iflist', version: 1 }],
  [0x8011abcd, { kind: 'iflist', version: 1 }],
  [0x219, { kind: 'iflist', version: 2 }],
  [0x206, { kind: 'userlist', version: 1 }],
  [0x8012abcd, { kind: 'userlist', version: 1 }],
  [0x220, { kind: 'userlist', version: 2 }],
]);
