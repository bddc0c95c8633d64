// The first schema: organisation, groups and people, inbound messages, incidents with their assignments,
// cards and timeline, and the outbox. Written with typeorm's Table API so it runs unchanged on SQLite and MySQL.
// A migration is a frozen snapshot: later changes go into new migrations, never into this file.
import { Table, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

const varchar = (name: string, length: number, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
  name, type: 'varchar', length: String(length), ...extra,
});
const uuid = (name: string, extra: Partial<TableColumnOptions> = {}) => varchar(name, 36, extra);
const code = (name: string, extra: Partial<TableColumnOptions> = {}) => varchar(name, 64, extra);
const text = (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: 'text', ...extra });
const time = (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
  name, type: 'datetime', precision: 3, ...extra,
});
// Set by the application, not by database defaults: "now" is spelled differently on every database.
const createdAt = (): TableColumnOptions => time('createdAt');
const updatedAt = (): TableColumnOptions => time('updatedAt');
const int = (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: 'int', ...extra });

export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const driver = queryRunner.connection.driver;
    // Each database spells types its own way (int/integer); the driver's own spelling keeps the tables
    // identical to what the entities describe (the schema test checks that nothing is left to sync).
    const native = (column: TableColumnOptions): TableColumnOptions => ({
      ...column,
      type: driver.normalizeType({ type: column.type as never }),
    });
    const create = async (name: string, columns: TableColumnOptions[], indices: TableIndex[] = []) =>
      queryRunner.createTable(new Table({ name, columns: columns.map(native), indices }), true);

    await create('org_units', [
      code('code', { isPrimary: true }),
      varchar('name', 200),
      varchar('kind', 16),
      code('parentCode', { isNullable: true }),
    ]);
    await create('posts', [code('code', { isPrimary: true }), varchar('name', 200), varchar('board', 200), text('duty')]);
    await create(
      'people',
      [
        uuid('id', { isPrimary: true }),
        varchar('platform', 16),
        varchar('platformUserId', 128),
        varchar('name', 200),
        code('homeOrgUnitCode', { isNullable: true }),
        createdAt(),
      ],
      [new TableIndex({ name: 'uq_people_platform_user', columnNames: ['platform', 'platformUserId'], isUnique: true })],
    );
    await create(
      'post_members',
      [uuid('id', { isPrimary: true }), code('postCode'), uuid('personId'), { name: 'isLeader', type: 'boolean' }],
      [new TableIndex({ name: 'uq_post_members_post_person', columnNames: ['postCode', 'personId'], isUnique: true })],
    );
    await create(
      'chat_groups',
      [
        uuid('id', { isPrimary: true }),
        varchar('platform', 16),
        varchar('platformChatId', 128),
        varchar('name', 200),
        varchar('kind', 16),
        code('postCode', { isNullable: true }),
        code('orgUnitCode', { isNullable: true }),
      ],
      [new TableIndex({ name: 'uq_chat_groups_platform_chat', columnNames: ['platform', 'platformChatId'], isUnique: true })],
    );
    await create('group_members', [uuid('groupId', { isPrimary: true }), uuid('personId', { isPrimary: true })]);
    await create(
      'inbound_messages',
      [
        uuid('id', { isPrimary: true }),
        varchar('platform', 16),
        varchar('platformMessageId', 128),
        uuid('groupId'),
        uuid('senderId'),
        text('text'),
        time('receivedAt'),
        varchar('status', 16),
        code('outcome', { isNullable: true }),
        uuid('incidentId', { isNullable: true }),
        int('attempts', { default: 0 }),
        text('lastError', { isNullable: true }),
        time('handledAt', { isNullable: true }),
        varchar('classifiedBy', 200, { isNullable: true }),
      ],
      [
        new TableIndex({ name: 'uq_inbound_platform_message', columnNames: ['platform', 'platformMessageId'], isUnique: true }),
        new TableIndex({ name: 'ix_inbound_group_received', columnNames: ['groupId', 'receivedAt'] }),
        new TableIndex({ name: 'ix_inbound_status', columnNames: ['status'] }),
      ],
    );
    await create(
      'incidents',
      [
        uuid('id', { isPrimary: true }),
        varchar('number', 24),
        code('category'),
        varchar('urgency', 16),
        varchar('status', 16),
        { name: 'confidence', type: 'float' },
        varchar('classifiedBy', 200),
        text('text'),
        varchar('place', 200),
        code('orgUnitCode', { isNullable: true }),
        uuid('groupId'),
        uuid('reporterId'),
        uuid('sourceMessageId'),
        code('leadPost'),
        time('acceptBy'),
        time('arriveBy', { isNullable: true }),
        time('resolveBy'),
        time('acceptedAt', { isNullable: true }),
        time('resolvedAt', { isNullable: true }),
        createdAt(),
        updatedAt(),
        int('version'),
      ],
      [
        new TableIndex({ name: 'uq_incidents_number', columnNames: ['number'], isUnique: true }),
        new TableIndex({ name: 'ix_incidents_status', columnNames: ['status'] }),
        new TableIndex({ name: 'ix_incidents_category', columnNames: ['category'] }),
        new TableIndex({ name: 'ix_incidents_created', columnNames: ['createdAt'] }),
      ],
    );
    await create(
      'assignments',
      [
        uuid('id', { isPrimary: true }),
        uuid('incidentId'),
        code('postCode'),
        varchar('role', 8),
        varchar('status', 16),
        uuid('ownerId', { isNullable: true }),
        text('note', { isNullable: true }),
        time('acceptedAt', { isNullable: true }),
        createdAt(),
        updatedAt(),
      ],
      [new TableIndex({ name: 'uq_assignments_incident_post', columnNames: ['incidentId', 'postCode'], isUnique: true })],
    );
    await create(
      'timeline_entries',
      [
        int('id', { isPrimary: true, isGenerated: true, generationStrategy: 'increment' }),
        uuid('incidentId'),
        time('at'),
        code('type'),
        varchar('actor', 200),
        uuid('actorId', { isNullable: true }),
        text('note', { isNullable: true }),
      ],
      [new TableIndex({ name: 'ix_timeline_incident_at', columnNames: ['incidentId', 'at'] })],
    );
    await create(
      'cards',
      [
        uuid('id', { isPrimary: true }),
        uuid('incidentId'),
        uuid('assignmentId'),
        uuid('groupId'),
        varchar('lastActor', 200, { isNullable: true }),
        time('lastActionAt', { isNullable: true }),
        varchar('platformRef', 128, { isNullable: true }),
        createdAt(),
        updatedAt(),
      ],
      [new TableIndex({ name: 'ix_cards_incident', columnNames: ['incidentId'] })],
    );
    await create(
      'outbound_messages',
      [
        uuid('id', { isPrimary: true }),
        uuid('groupId'),
        varchar('kind', 16),
        text('text'),
        uuid('cardId', { isNullable: true }),
        uuid('incidentId', { isNullable: true }),
        uuid('replyToMessageId', { isNullable: true }),
        varchar('status', 16),
        int('attempts', { default: 0 }),
        text('lastError', { isNullable: true }),
        createdAt(),
        time('sentAt', { isNullable: true }),
      ],
      [
        new TableIndex({ name: 'ix_outbound_group_created', columnNames: ['groupId', 'createdAt'] }),
        new TableIndex({ name: 'ix_outbound_status', columnNames: ['status'] }),
      ],
    );
    await create('counters', [varchar('name', 64, { isPrimary: true }), int('value')]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'counters', 'outbound_messages', 'cards', 'timeline_entries', 'assignments', 'incidents',
      'inbound_messages', 'group_members', 'chat_groups', 'post_members', 'people', 'posts', 'org_units',
    ]) {
      await queryRunner.dropTable(table, true);
    }
  }
}
