import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { useParams } from 'react-router-dom'
import { apiClient, data as body } from '../../api/typed'
import { useAuth } from '../../auth/AuthContext'
import { TextField } from '../../components/Field'
import { ReportButton } from '../../components/ReportButton'
import { ErrorBanner, Loading, Notice, PageHeader } from '../../components/ui'
import { useForm } from '../../hooks/useForm'
import { useI18n } from '../../i18n'
import { ConsultationBox } from './ConsultationBox'
import { MarkdownEditor, SafeHtml } from './MarkdownEditor'
import { categoryName } from './names'
import { AuthorLine } from './parts'
import { topicKey, useCategories } from './queries'
import type { Post, TopicDetail, Version } from './types'
import './forum.css'

export function TopicPage() {
  const { id } = useParams()
  const topicId = Number(id)
  const { t, fmt, locale } = useI18n()
  const { me } = useAuth()
  const [editing, setEditing] = useState(false)
  const queryClient = useQueryClient()
  const topic = useQuery({
    queryKey: topicKey(topicId),
    queryFn: ({ signal }) => body(apiClient.GET('/api/v1/forum/topics/{topic_id}', { params: { path: { topic_id: topicId } }, signal })),
  })
  const categories = useCategories()
  const reload = () => void queryClient.invalidateQueries({ queryKey: topicKey(topicId) })
  if (topic.error) return <ErrorBanner error={topic.error} onRetry={reload} />
  if (!topic.data) return <Loading />
  const data = topic.data
  const category = categories.data?.find((c) => c.slug === data.category)
  return (
    <div>
      <PageHeader
        title={data.title}
        subtitle={
          <span className="topic-meta">
            {category && <span className="kind-tag">{categoryName(category, locale)}</span>}
            <AuthorLine author={data.author} />
            <span>{fmt.dateTime(data.created_at)}</span>
          </span>
        }
        back={{ to: category ? `/forum?category=${category.slug}` : '/forum', label: t('nav.forum') }}
      />
      {data.hidden && <Notice tone="warning">{t('forum.hiddenByStaff')}</Notice>}
      <article className="card">
        {editing ? (
          <EditTopic topic={data} onDone={(updated) => {
            setEditing(false)
            if (updated) queryClient.setQueryData(topicKey(topicId), updated)
          }} />
        ) : (
          <SafeHtml html={data.body_html} />
        )}
        <div className="post-actions">
          {data.mine && !editing && (
            <button type="button" className="btn btn-ghost btn-small" onClick={() => setEditing(true)}>
              {t('forum.edit')}
            </button>
          )}
          {data.edited_at && <History load={() => body(apiClient.GET('/api/v1/forum/topics/{topic_id}/history', { params: { path: { topic_id: data.id } } }))} />}
          {me && !data.mine && <ReportButton targetType="forum_topic" targetId={data.id} />}
        </div>
      </article>
      {data.consultation && <ConsultationBox topicId={data.id} consultation={data.consultation} onVoted={reload} />}
      <section aria-label={t('forum.replies', { n: data.posts.length })}>
        <h2>{t('forum.replies', { n: data.posts.length })}</h2>
        {data.posts.length === 0 && <p className="muted">{t('forum.noReplies')}</p>}
        {data.posts.map((post) => (
          <PostView key={post.id} post={post} onChanged={reload} />
        ))}
      </section>
      <Reply topicId={data.id} onSent={reload} />
    </div>
  )
}

function PostView({ post, onChanged }: { post: Post; onChanged: () => void }) {
  const { t, fmt } = useI18n()
  const { me } = useAuth()
  const [editing, setEditing] = useState(false)
  const form = useForm({ body: post.body })
  const save = async (event: FormEvent) => {
    event.preventDefault()
    const ok = await form.submit(
      async () => {
        await apiClient.PATCH('/api/v1/forum/posts/{post_id}', { params: { path: { post_id: post.id } }, body: { body: form.values.body } })
      },
      () => (form.values.body.trim() ? {} : { body: t('forum.bodyEmpty') }),
    )
    if (ok) {
      setEditing(false)
      onChanged()
    }
  }
  return (
    <article className={post.hidden ? 'post post-hidden' : 'post'} id={`post-${post.id}`}>
      <div className="topic-meta">
        <AuthorLine author={post.author} />
        <span>{fmt.dateTime(post.created_at)}</span>
        {post.edited_at && <span>({t('forum.edited')})</span>}
      </div>
      {post.hidden && <p className="small muted">{t('forum.hiddenByStaff')}</p>}
      {editing ? (
        <form className="form" onSubmit={save} noValidate>
          <ErrorBanner message={form.banner} />
          <MarkdownEditor label={t('forum.body')} value={form.values.body} onChange={(value) => form.set('body', value)} error={form.errors.body} rows={4} />
          <div className="button-row">
            <button type="submit" className="btn btn-primary btn-small" disabled={form.busy}>
              {t('forum.save')}
            </button>
            <button type="button" className="btn btn-ghost btn-small" onClick={() => setEditing(false)}>
              {t('forum.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <SafeHtml html={post.body_html} />
      )}
      <div className="post-actions">
        {post.mine && !editing && (
          <button type="button" className="btn btn-ghost btn-small" onClick={() => setEditing(true)}>
            {t('forum.edit')}
          </button>
        )}
        {post.edited_at && <History load={() => body(apiClient.GET('/api/v1/forum/posts/{post_id}/history', { params: { path: { post_id: post.id } } }))} />}
        {me && !post.mine && <ReportButton targetType="forum_post" targetId={post.id} />}
      </div>
    </article>
  )
}

function EditTopic({ topic, onDone }: { topic: TopicDetail; onDone: (updated: TopicDetail | null) => void }) {
  const { t } = useI18n()
  const form = useForm({ title: topic.title, body: topic.body })
  const save = async (event: FormEvent) => {
    event.preventDefault()
    let updated: TopicDetail | null = null
    const ok = await form.submit(
      async () => {
        updated = await body(
          apiClient.PATCH('/api/v1/forum/topics/{topic_id}', {
            params: { path: { topic_id: topic.id } },
            body: { title: form.values.title.trim(), body: form.values.body },
          }),
        )
      },
      () => ({
        ...(form.values.title.trim().length < 3 ? { title: t('forum.titleShort') } : {}),
        ...(!form.values.body.trim() ? { body: t('forum.bodyEmpty') } : {}),
      }),
    )
    if (ok) onDone(updated)
  }
  return (
    <form className="form" onSubmit={save} noValidate>
      <ErrorBanner message={form.banner} />
      <TextField label={t('forum.topicTitle')} maxLength={200} value={form.values.title} onChange={(e) => form.set('title', e.target.value)} error={form.errors.title} />
      <MarkdownEditor label={t('forum.body')} value={form.values.body} onChange={(value) => form.set('body', value)} error={form.errors.body} />
      <div className="button-row">
        <button type="submit" className="btn btn-primary btn-small" disabled={form.busy}>
          {t('forum.save')}
        </button>
        <button type="button" className="btn btn-ghost btn-small" onClick={() => onDone(null)}>
          {t('forum.cancel')}
        </button>
      </div>
    </form>
  )
}

/** An edited text's earlier versions, read when the reader opens them. */
function History({ load }: { load: () => Promise<Version[]> }) {
  const { t, fmt } = useI18n()
  const [versions, setVersions] = useState<Version[] | null>(null)
  const [error, setError] = useState<unknown>(null)
  const toggle = async () => {
    if (versions) return setVersions(null)
    try {
      setVersions(await load())
    } catch (failure) {
      setError(failure)
    }
  }
  return (
    <div className="history">
      <button type="button" className="btn btn-ghost btn-small" aria-expanded={versions !== null} onClick={() => void toggle()}>
        {t('forum.edited')} · {t('forum.history')}
      </button>
      <ErrorBanner error={error} />
      {versions && (
        <ol className="versions" aria-label={t('forum.historyTitle')}>
          {[...versions].reverse().map((version, index) => (
            <li key={index}>
              <p className="small muted">
                {version.current ? t('forum.versionCurrent') : t('forum.versionOf', { when: fmt.dateTime(version.written_at) })}
              </p>
              {version.title && <strong>{version.title}</strong>}
              <SafeHtml html={version.body_html} />
            </li>
          ))}
        </ol>
      )}
    </div>
  )
}

function Reply({ topicId, onSent }: { topicId: number; onSent: () => void }) {
  const { t } = useI18n()
  const { me, firmId } = useAuth()
  const form = useForm({ body: '' })
  const [key, setKey] = useState(0)
  if (!me) return <Notice>{t('forum.replySignIn')}</Notice>
  const send = async (event: FormEvent) => {
    event.preventDefault()
    const ok = await form.submit(
      async () => {
        await apiClient.POST('/api/v1/forum/topics/{topic_id}/posts', {
          params: { path: { topic_id: topicId } },
          body: { body: form.values.body, ...(firmId ? { firm_id: firmId } : {}) },
        })
      },
      () => (form.values.body.trim() ? {} : { body: t('forum.bodyEmpty') }),
    )
    if (ok) {
      form.set('body', '')
      setKey((k) => k + 1)
      onSent()
    }
  }
  return (
    <section className="card" aria-label={t('forum.replyTitle')}>
      <h2>{t('forum.replyTitle')}</h2>
      <form className="form" onSubmit={send} noValidate>
        <ErrorBanner message={form.banner} />
        <MarkdownEditor key={key} label={t('forum.replyTitle')} value={form.values.body} onChange={(value) => form.set('body', value)} error={form.errors.body} rows={4} />
        <button type="submit" className="btn btn-primary" disabled={form.busy}>
          {t('forum.replySend')}
        </button>
      </form>
    </section>
  )
}
