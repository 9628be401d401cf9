// The app's own frame: a screen whose code could not be fetched (the code of most screens
// is loaded when first opened).
import { defineMessages } from './define'

export const app = defineMessages({
  it: {
    'app.screenFailed': 'Non è stato possibile aprire questa pagina: la connessione si è interrotta o Distretto è stato aggiornato. Riprova per ricaricarla.',
  },
  en: {
    'app.screenFailed': 'This page could not be opened: the connection dropped or Distretto has been updated. Try again to reload it.',
  },
  zh: {
    'app.screenFailed': '无法打开此页面：网络连接中断，或 Distretto 已更新。请重试以重新加载。',
  },
})
