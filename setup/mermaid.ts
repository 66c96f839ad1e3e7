// Mermaid's options for every diagram in the deck. Mermaid 12 (Slidev 53) lays flowcharts and
// state diagrams out with ELK by default; ELK spreads this deck's diagrams wider and taller than
// dagre did, and three of them ran off their slide. Every diagram here was drawn and fitted with
// dagre, which mermaid 12 still ships, so the deck asks for it by name.
// The theme: the deck's own font (Nunito Sans) instead of mermaid's fallback sans, and the
// accent colour of styles/deck.css (a pale blue fill, a dark blue line) instead of mermaid's stock
// lavender boxes and yellow notes, so a diagram looks like the slide around it.
import { defineMermaidSetup } from '@slidev/types'

export default defineMermaidSetup(() => ({
  layout: 'dagre',
  theme: 'base',
  themeVariables: {
    fontFamily: '"Nunito Sans", sans-serif',
    fontSize: '16px',
    primaryColor: '#dbeafe',
    primaryBorderColor: '#1d4ed8',
    primaryTextColor: '#0f172a',
    secondaryColor: '#e2e8f0',
    tertiaryColor: '#f8fafc',
    lineColor: '#334155',
    textColor: '#0f172a',
    noteBkgColor: '#f1f5f9',
    noteBorderColor: '#94a3b8',
    noteTextColor: '#0f172a',
    actorBkg: '#dbeafe',
    actorBorder: '#1d4ed8',
    actorTextColor: '#0f172a',
    signalColor: '#334155',
    signalTextColor: '#0f172a',
    clusterBkg: '#f8fafc',
    clusterBorder: '#94a3b8',
    edgeLabelBackground: '#ffffff',
  },
}))
