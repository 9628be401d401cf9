// The forum's API shapes, from the generated schema (src/api/schema.d.ts).
import type { components } from '../../api/schema'

type Schemas = components['schemas']

export type ForumCategory = Schemas['CategoryOut']
export type Topic = Schemas['TopicOut']
export type TopicDetail = Schemas['TopicDetail']
export type Post = Schemas['PostOut']
export type Author = Schemas['AuthorOut']
export type Consultation = Schemas['ConsultationOut']
export type Version = Schemas['VersionOut']
