import { Column, Entity, PrimaryColumn } from 'typeorm';
import { code, shortText } from './columns';

export type OrgUnitKind = 'street' | 'community' | 'grid';

/** 街道 → 社区 → 网格: where an incident happened and which level closes it. */
@Entity('org_units')
export class OrgUnit {
  @PrimaryColumn(code)
  code: string;

  @Column(shortText)
  name: string;

  @Column({ type: 'varchar', length: 16 })
  kind: OrgUnitKind;

  @Column({ ...code, nullable: true })
  parentCode: string | null;
}
