// Italian reference data the forms need before talking to the server.

export const REGIONS = [
  'Abruzzo', 'Basilicata', 'Calabria', 'Campania', 'Emilia-Romagna', 'Friuli-Venezia Giulia',
  'Lazio', 'Liguria', 'Lombardia', 'Marche', 'Molise', 'Piemonte', 'Puglia', 'Sardegna',
  'Sicilia', 'Toscana', 'Trentino-Alto Adige', 'Umbria', "Valle d'Aosta", 'Veneto',
] as const

export const SIZE_CLASSES = ['micro', 'small', 'medium', 'large'] as const

/** Why a partita IVA is not valid ('' when it is): same rule as the server's. */
export function vatProblem(raw: string): 'digits' | 'zeros' | 'office' | 'check' | '' {
  let vat = raw.trim().toUpperCase().replace(/\s/g, '')
  if (vat.startsWith('IT')) vat = vat.slice(2)
  if (!/^\d{11}$/.test(vat)) return 'digits'
  if (vat.startsWith('0000000')) return 'zeros'
  const office = Number(vat.slice(7, 10))
  if (!((office >= 1 && office <= 100) || [120, 121, 888, 999].includes(office))) return 'office'
  let total = 0
  for (let i = 0; i < 10; i++) {
    let digit = Number(vat[i])
    if (i % 2 === 1) {
      digit *= 2
      if (digit > 9) digit -= 9
    }
    total += digit
  }
  return (10 - (total % 10)) % 10 === Number(vat[10]) ? '' : 'check'
}
