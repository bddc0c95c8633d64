import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { code, id } from './columns';

/** A person holding a post. Only members of a card's post may act on the card; the leader is escalated to. */
@Entity('post_members')
@Index('uq_post_members_post_person', ['postCode', 'personId'], { unique: true })
export class PostMember {
  @PrimaryColumn(id)
  id: string;

  @Column(code)
  postCode: string;

  @Column(id)
  personId: string;

  @Column({ type: 'boolean' })
  isLeader: boolean;
}
