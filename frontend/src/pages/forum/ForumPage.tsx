import { useInfiniteQuery } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router-dom'
import { apiClient, data } from '../../api/typed'
import { useAuth } from '../../auth/AuthContext'
import { SelectField, TextArea, TextField } from '../../components/Field'
import { Card, Empty, ErrorBanner, Loading, PageHeader } from '../../components/ui'
import { useForm } from '../../hooks/useForm'
import { useI18n } from '../../i18n'
import { categoryName } from './names'
import { AuthorLine } from './parts'
import { MarkdownEditor } from './MarkdownEditor'
import { useCategories } from './queries'
import type { ForumCategory } from './types'
import './forum.css'

export function ForumPage() {
  const { t, fmt, locale } = useI18n()
  const { me } = useAuth()
  const [params, setParams] = useSearchParams()
  const category = params.get('category') ?? ''
  const q = params.get('q') ?? ''
  const [search, setSearch] = useState(q)
  const [creating, setCreating] = useState(false)
  const categories = useCategories()
  const topics = useInfiniteQuery({
    queryKey: ['forum', 'topics', { category, q }],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      data(
        apiClient.GET('/api/v1/forum/topics', {
          params: { query: { category: category || undefined, q: q || undefined, limit: 20, ...(pageParam ? { cursor: pageParam } : {}) } },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  })
  const byslug = new Map((categories.data ?? []).map((c) => [c.slug, c]))
  const choose = (slug: string) => setParams(slug ? { category: slug, ...(q ? { q } : {}) } : q ? { q } : {})
  const submitSearch = (event: FormEvent) => {
    event.preventDefault()
    setParams({ ...(category ? { category } : {}), ...(search.trim() ? { q: search.trim() } : {}) })
  }
  const items = topics.data?.pages.flatMap((page) => page.items) ?? []
  return (
    <div>
      <PageHeader
        title={t('forum.title')}
        subtitle={t('forum.lead')}
        actions={
          me && (
            <button type="button" className="btn btn-primary" onClick={() => setCreating((open) => !open)} aria-expanded={creating}>
              {t('forum.newTopic')}
            </button>
          )
        }
      />
      {creating && categories.data && <NewTopic categories={categories.data} initial={category} />}
      <div className="forum-layout">
        <nav aria-label={t('forum.categories')}>
          <ul className="forum-categories">
            <li>
              <button type="button" aria-pressed={category === ''} onClick={() => choose('')}>
                <span>{t('forum.allCategories')}</span>
              </button>
            </li>
            {categories.data?.map((c) => (
              <li key={c.slug}>
                <button type="button" aria-pressed={category === c.slug} onClick={() => choose(c.slug)}>
                  <span>
                    {categoryName(c, locale)}
                    {c.staff_only && <small className="muted">{t('forum.staffOnly')}</small>}
                  </span>
                  <span className="muted small">{fmt.number(c.topic_count)}</span>
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <section aria-label={t('forum.title')}>
          <form className="forum-search" role="search" onSubmit={submitSearch}>
            <label className="sr-only" htmlFor="forum-q">
              {t('forum.search')}
            </label>
            <input id="forum-q" type="search" value={search} placeholder={t('forum.searchPlaceholder')} onChange={(e) => setSearch(e.target.value)} />
            <button type="submit" className="btn btn-secondary">
              {t('forum.searchSubmit')}
            </button>
          </form>
          <ErrorBanner error={topics.error} onRetry={() => void topics.refetch()} />
          {topics.isPending && <Loading />}
          {topics.data && items.length === 0 && <Empty title={t('forum.empty')}>{q ? t('forum.emptySearch') : null}</Empty>}
          <ul className="topic-list">
            {items.map((topic) => {
              const cat = byslug.get(topic.category)
              return (
                <li key={topic.id} className="topic-row">
                  <h2>
                    <Link to={`/forum/topics/${topic.id}`}>{topic.title}</Link>
                  </h2>
                  <div className="topic-meta">
                    {cat && <span className="kind-tag">{categoryName(cat, locale)}</span>}
                    {topic.is_consultation && topic.closes_at && (
                      <span className={`badge ${new Date(topic.closes_at) > new Date() ? 'badge-green' : 'badge-grey'}`}>
                        {t('forum.consultation')} ·{' '}
                        {new Date(topic.closes_at) > new Date()
                          ? t('forum.consultationOpen', { when: fmt.date(topic.closes_at) })
                          : t('forum.consultationClosed', { when: fmt.date(topic.closes_at) })}
                      </span>
                    )}
                    <AuthorLine author={topic.author} />
                    <span>{t('forum.replies', { n: topic.post_count })}</span>
                    <span>{t('forum.lastActivity', { when: fmt.relative(topic.last_activity_at) })}</span>
                  </div>
                </li>
              )
            })}
          </ul>
          {topics.hasNextPage && (
            <button type="button" className="btn btn-ghost" disabled={topics.isFetchingNextPage} onClick={() => void topics.fetchNextPage()}>
              {t('forum.loadMore')}
            </button>
          )}
        </section>
      </div>
    </div>
  )
}

function NewTopic({ categories, initial }: { categories: ForumCategory[]; initial: string }) {
  const { t, locale } = useI18n()
  const { me } = useAuth()
  const navigate = useNavigate()
  const allowed = categories.filter((c) => !c.staff_only || me?.is_staff)
  const first = allowed.find((c) => c.slug === initial)?.slug ?? allowed[0]?.slug ?? ''
  const form = useForm({ category: first, title: '', body: '', options: '', closes_at: '' })
  const chosen = categories.find((c) => c.slug === form.values.category)
  const consultation = chosen?.kind === 'consultations'
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const options = form.values.options
      .split('\n')
      .map((o) => o.trim())
      .filter(Boolean)
    let id = 0
    const ok = await form.submit(
      async () => {
        const created = await data(
          apiClient.POST('/api/v1/forum/topics', {
            body: {
              category: form.values.category,
              title: form.values.title.trim(),
              body: form.values.body,
              ...(consultation ? { options, closes_at: new Date(form.values.closes_at).toISOString() } : {}),
            },
          }),
        )
        id = created.id
      },
      () => ({
        ...(form.values.title.trim().length < 3 ? { title: t('forum.titleShort') } : {}),
        ...(!form.values.body.trim() ? { body: t('forum.bodyEmpty') } : {}),
        ...(consultation && options.length < 2 ? { options: t('forum.optionsFew') } : {}),
        ...(consultation && !form.values.closes_at ? { closes_at: t('forum.closesNeeded') } : {}),
      }),
    )
    if (ok) navigate(`/forum/topics/${id}`)
  }
  return (
    <Card title={t('forum.newTopic')}>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorBanner message={form.banner} />
        <SelectField
          label={t('forum.category')}
          value={form.values.category}
          onChange={(e) => form.set('category', e.target.value)}
          options={allowed.map((c) => ({ value: c.slug, label: categoryName(c, locale) }))}
          error={form.errors.category}
        />
        <TextField label={t('forum.topicTitle')} required maxLength={200} value={form.values.title} onChange={(e) => form.set('title', e.target.value)} error={form.errors.title} />
        <MarkdownEditor label={t('forum.body')} value={form.values.body} onChange={(value) => form.set('body', value)} error={form.errors.body} />
        {consultation && (
          <>
            <TextArea label={t('forum.options')} hint={t('forum.optionsHint')} rows={4} value={form.values.options} onChange={(e) => form.set('options', e.target.value)} error={form.errors.options} />
            <TextField label={t('forum.closesAt')} type="datetime-local" value={form.values.closes_at} onChange={(e) => form.set('closes_at', e.target.value)} error={form.errors.closes_at} />
          </>
        )}
        <button type="submit" className="btn btn-primary" disabled={form.busy}>
          {t('forum.publish')}
        </button>
      </form>
    </Card>
  )
}
