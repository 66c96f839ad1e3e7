// Mermaid's options for every diagram in the deck. Mermaid 12 (Slidev 53) lays flowcharts and
// state diagrams out with ELK by default; ELK spreads this deck's diagrams wider and taller than
// dagre did, and three of them ran off their slide. Every diagram here was drawn and fitted with
// dagre, which mermaid 12 still ships, so the deck asks for it by name.
import { defineMermaidSetup } from '@slidev/types'

export default defineMermaidSetup(() => ({ layout: 'dagre' }))
