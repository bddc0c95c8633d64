import { Entity, PrimaryColumn } from 'typeorm';
import { id } from './columns';

/** Who is in which group (the sandbox lists them; real platforms tell us as people speak). */
@Entity('group_members')
export class GroupMember {
  @PrimaryColumn(id)
  groupId: string;

  @PrimaryColumn(id)
  personId: string;
}
