import { Column, Entity, PrimaryColumn } from 'typeorm';
import { code, longText, shortText } from './columns';

/** 岗位: a duty post from the taxonomy (城市更新岗, 综合执法岗 …). Seeded from seeds/taxonomy.json. */
@Entity('posts')
export class Post {
  @PrimaryColumn(code)
  code: string;

  @Column(shortText)
  name: string;

  @Column(shortText)
  board: string;

  @Column(longText)
  duty: string;
}
