import { describe, expect, it } from 'vitest';
import type { ToolDescriptor } from '../schemas/tool-descriptor';
import { declaredVariables, orderedSteps, outputVariableNames } from './definition-queries';
import { checkDefinition, checkDefinitionAgainstTools, DEFINITION_RULES } from './definition-checks';
import { WorkflowDefinition, WorkflowDefinitionFields } from '../schemas/workflow-definition';

const schema = (props: Record<string, object>, required: string[]) => ({ type: 'object', properties: props, required });
const tools: ToolDescriptor[] = [
  {
    tool_id: 'pdf_extractor',
    name: 'PDF',
    description: '',
    version: '1',
    parameters: schema({ input_file: { type: 'object' }, extraction_mode: { type: 'string', default: 'full' } }, [
      'input_file',
      'extraction_mode',
    ]),
    outputs: schema({ extracted_text: { type: 'string' }, page_count: { type: 'integer' } }, [
      'extracted_text',
      'page_count',
    ]),
    defaults: {},
  },
  {
    tool_id: 'text_analyzer',
    name: 'Text',
    description: '',
    version: '1',
    parameters: schema({ text: { type: 'string' }, analysis_level: { type: 'string' } }, ['text']),
    outputs: schema({ analysis_results: { type: 'object' } }, ['analysis_results']),
    defaults: {},
  },
];

const seed = {
  workflow_id: 'wf_analyze_document',
  name: 'Analyze',
  status: 'PUBLISHED',
  input_variables: [
    {
      name: 'document',
      variable_id: 'input_doc',
      required: true,
      schema: { type: 'file', mime_types: ['application/pdf'] },
    },
    {
      name: 'analysis_depth',
      variable_id: 'depth',
      required: true,
      schema: { type: 'string', enum: ['basic', 'detailed', 'comprehensive'] },
    },
  ],
  steps: [
    {
      step_id: 'step_1',
      tool: { tool_id: 'pdf_extractor', name: 'PDF Text Extractor' },
      parameter_mappings: { input_file: 'input_doc', extraction_mode: 'full' },
      output_mappings: { extracted_text: 'document_text' },
    },
    {
      step_id: 'step_2',
      tool: { tool_id: 'text_analyzer', name: 'Text Analysis Tool' },
      parameter_mappings: { text: 'document_text', analysis_level: 'depth' },
      output_mappings: { analysis_results: 'final_analysis' },
    },
  ],
};

describe('WorkflowDefinition', () => {
  it('accepts the seed workflow, treating steps without a type as tool steps', () => {
    const def = WorkflowDefinition.parse(seed);
    expect(def.steps.map((s) => s.type)).toEqual(['tool', 'tool']);
    expect([...declaredVariables(def)].sort()).toEqual(['depth', 'document_text', 'final_analysis', 'input_doc']);
    expect(checkDefinitionAgainstTools(def, tools)).toEqual([]);
  });

  it('rejects duplicate step ids, writes to inputs and reads of later outputs', () => {
    const result = WorkflowDefinition.safeParse({
      ...seed,
      steps: [
        { ...seed.steps[1], step_id: 'a' },
        { ...seed.steps[0], step_id: 'a', output_mappings: { extracted_text: 'input_doc' } },
      ],
    });
    expect(result.success).toBe(false);
    const messages = result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual([
      "steps.1.step_id: duplicate step_id 'a'",
      "steps.1.output_mappings.extracted_text: 'input_doc' is an input variable; steps cannot overwrite inputs",
    ]);
    // Each issue names its rule and its step, for the API's errors[].
    expect(result.error?.issues.map((i) => (i.code === 'custom' ? i.params : undefined))).toEqual([
      { rule: 'unique_step_ids', step_id: 'a' },
      { rule: 'inputs_read_only', step_id: 'a' },
    ]);
  });

  it('reports a duplicate variable_id once, as the rule unique_variable_ids', () => {
    const result = WorkflowDefinition.safeParse({
      ...seed,
      input_variables: [seed.input_variables[0], seed.input_variables[0], seed.input_variables[1]],
    });
    expect(
      result.error?.issues.map((i): unknown[] => [
        i.path.join('.'),
        i.code === 'custom' ? (i.params as { rule?: string } | undefined)?.rule : undefined,
      ]),
    ).toEqual([['input_variables.1.variable_id', 'unique_variable_ids']]);
  });

  it('runs the structural rules again on a definition read without them (a version saved under older rules)', () => {
    const stored = WorkflowDefinitionFields.parse({
      ...seed,
      steps: [seed.steps[0], { ...seed.steps[1], step_id: 'step_1' }],
    });
    expect(checkDefinition(stored, tools).map((i) => i.rule)).toEqual(['unique_step_ids']);
    expect(Object.keys(DEFINITION_RULES)).toContain('unique_step_ids');
  });

  it('checks every tier at once on fields that break a structural rule: a duplicated step is checked by its index', () => {
    const fields = WorkflowDefinitionFields.parse({
      ...seed,
      steps: [
        { ...seed.steps[0], parameter_mappings: { extraction_mode: 'full' } },
        { ...seed.steps[1], step_id: 'step_1', tool: { tool_id: 'ocr_magic', name: 'OCR' } },
      ],
    });
    expect(checkDefinition(fields, tools).map((i) => [i.rule, i.path.join('.')])).toEqual([
      ['unique_step_ids', 'steps.1.step_id'],
      ['required_parameters_mapped', 'steps.0.parameter_mappings.input_file'],
      ['known_tool', 'steps.1.tool.tool_id'],
    ]);
  });

  it('rejects a parameter that reads a variable only a later step produces', () => {
    const result = WorkflowDefinition.safeParse({ ...seed, steps: [seed.steps[1], seed.steps[0]] });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['steps.0.parameter_mappings.text']);
  });

  it('orders steps by sequence_number, then by position', () => {
    expect(
      orderedSteps([{ id: 'a', sequence_number: 2 }, { id: 'b' }, { id: 'c', sequence_number: 0 }]).map((s) => s.id),
    ).toEqual(['c', 'b', 'a']);
  });

  it('checks tools, required parameters and outputs against the catalog', () => {
    const def = WorkflowDefinition.parse({
      ...seed,
      steps: [
        {
          ...seed.steps[0],
          parameter_mappings: { extraction_mode: 'full', colour: 'red' },
          output_mappings: { words: 'document_text' },
        },
        { ...seed.steps[1], tool: { tool_id: 'nope', name: 'Nope' } },
      ],
    });
    expect(checkDefinitionAgainstTools(def, tools).map((i) => i.path.join('.'))).toEqual([
      'steps.0.parameter_mappings.input_file',
      'steps.0.parameter_mappings.colour',
      'steps.0.output_mappings.words',
      'steps.1.tool.tool_id',
    ]);
  });

  it('checks the types of mapped variables: an enum input must be a subset of the parameter enum', () => {
    const analyzer: ToolDescriptor = {
      ...tools[1]!,
      parameters: schema(
        { text: { type: 'string' }, analysis_level: { type: 'string', enum: ['basic', 'detailed', 'comprehensive'] } },
        ['text'],
      ),
    };
    const catalog = [tools[0]!, analyzer];
    // The seed maps its enum input to the parameter enum and the extracted text to a string: compatible.
    expect(checkDefinitionAgainstTools(WorkflowDefinition.parse(seed), catalog)).toEqual([]);
    const def = WorkflowDefinition.parse({
      ...seed,
      input_variables: [
        seed.input_variables[0],
        { name: 'depth', variable_id: 'depth', required: true, schema: { type: 'string', enum: ['basic', 'deep'] } },
      ],
      steps: [seed.steps[0], seed.steps[1]],
    });
    expect(checkDefinitionAgainstTools(def, catalog)).toEqual([
      {
        rule: 'parameter_types_compatible',
        path: ['steps', 1, 'parameter_mappings', 'analysis_level'],
        message:
          'variable \'depth\' cannot be passed to parameter \'analysis_level\' of tool \'text_analyzer\': it may be "deep", which the parameter does not accept; it accepts only "basic", "detailed", "comprehensive"',
      },
    ]);
  });

  it("takes a variable's type from the step that wrote it last before the reader", () => {
    const numbers: ToolDescriptor = {
      tool_id: 'counter',
      name: 'Counter',
      description: '',
      version: '1',
      parameters: schema({}, []),
      outputs: schema({ n: { type: 'integer' } }, ['n']),
      defaults: {},
    };
    const words: ToolDescriptor = {
      tool_id: 'words',
      name: 'Words',
      description: '',
      version: '1',
      parameters: schema({}, []),
      outputs: schema({ w: { type: 'string' } }, ['w']),
      defaults: {},
    };
    const catalog = [...tools, numbers, words];
    const def = WorkflowDefinition.parse({
      workflow_id: 'wf',
      name: 'wf',
      steps: [
        { step_id: 'count', tool: { tool_id: 'counter', name: 'c' }, output_mappings: { n: 'value' } },
        {
          step_id: 'first',
          tool: { tool_id: 'text_analyzer', name: 't' },
          parameter_mappings: { text: 'value' },
          output_mappings: { analysis_results: 'a' },
        },
        { step_id: 'word', tool: { tool_id: 'words', name: 'w' }, output_mappings: { w: 'value' } },
        {
          step_id: 'second',
          tool: { tool_id: 'text_analyzer', name: 't' },
          parameter_mappings: { text: 'value' },
          output_mappings: { analysis_results: 'b' },
        },
      ],
    });
    expect(checkDefinitionAgainstTools(def, catalog).map((i) => [i.rule, i.path.join('.'), i.message])).toEqual([
      [
        'parameter_types_compatible',
        'steps.1.parameter_mappings.text',
        "variable 'value' cannot be passed to parameter 'text' of tool 'text_analyzer': it is an integer; the parameter expects a string",
      ],
    ]);
  });

  it('derives output_data from the variables no later step reads, unless output_variables says otherwise', () => {
    const def = WorkflowDefinition.parse(seed);
    expect(outputVariableNames(def)).toEqual(['final_analysis']);
    expect(
      outputVariableNames(WorkflowDefinition.parse({ ...seed, output_variables: ['document_text', 'final_analysis'] })),
    ).toEqual(['document_text', 'final_analysis']);
    const unknown = WorkflowDefinition.safeParse({ ...seed, output_variables: ['nothing'] });
    expect(unknown.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      "output_variables.0: output variable 'nothing' is not an input and no step writes it",
    ]);
  });

  it('checks literal parameters with the validator it is given, and never variable references', () => {
    const def = WorkflowDefinition.parse({
      ...seed,
      steps: [
        { ...seed.steps[0], parameter_mappings: { input_file: 'input_doc', extraction_mode: 'bogus' } },
        seed.steps[1],
      ],
    });
    const seen: unknown[] = [];
    const checkLiteral = (schema: Record<string, unknown>, value: unknown) => {
      seen.push(value);
      return value === 'bogus' ? `must be one of ${JSON.stringify(schema.default)}` : undefined;
    };
    expect(checkDefinitionAgainstTools(def, tools, checkLiteral)).toEqual([
      {
        rule: 'literal_parameters_match_schema',
        path: ['steps', 0, 'parameter_mappings', 'extraction_mode'],
        message: 'the literal value of \'extraction_mode\' must be one of "full"',
      },
    ]);
    // input_doc, document_text and depth name variables: only the literal was checked.
    expect(seen).toEqual(['bogus']);
    expect(checkDefinitionAgainstTools(def, tools)).toEqual([]);
  });
});

describe('expressions and activation policies in definitions', () => {
  const withSteps = (steps: unknown[]) => ({ ...seed, steps });

  it('refuses an expression that does not parse at every save, naming the step, the parameter and the position (rule expressions_parse)', () => {
    const parsed = WorkflowDefinition.safeParse(
      withSteps([
        seed.steps[0],
        { ...seed.steps[1], parameter_mappings: { text: { expr: 'document_text &' }, analysis_level: 'depth' } },
      ]),
    );
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({
        path: ['steps', 1, 'parameter_mappings', 'text'],
        message: expect.stringMatching(
          /^step 'step_2': the expression in parameter_mappings\.text does not parse at position 15: /,
        ),
        params: { rule: 'expressions_parse', step_id: 'step_2' },
      }),
    ]);
  });

  it('checks activation policy expressions at every save, and orders their reads', () => {
    const bad = WorkflowDefinition.safeParse(
      withSteps([seed.steps[0], { ...seed.steps[1], activation_policy: { when: '$count(' } }]),
    );
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({
      path: ['steps', 1, 'activation_policy', 'when'],
      message: expect.stringContaining("step 'step_2'"),
    });

    const early = WorkflowDefinition.safeParse(
      withSteps([{ ...seed.steps[0], activation_policy: { when: '$length(final_analysis) > 0' } }, seed.steps[1]]),
    );
    expect(early.error?.issues.map((i) => i.message)).toEqual([
      "variable 'final_analysis' is only produced by a later step",
    ]);

    const fine = WorkflowDefinition.safeParse(
      withSteps([
        seed.steps[0],
        {
          ...seed.steps[1],
          activation_policy: { when: '__steps__.step_1.outputData.page_count > 1 and $exists(document_text)' },
        },
      ]),
    );
    expect(fine.success).toBe(true);
    expect(
      WorkflowDefinition.safeParse(withSteps([{ ...seed.steps[0], activation_policy: { enabled: false, when: 'x' } }]))
        .success,
    ).toBe(false);
  });

  it('counts variables read by {var} and expressions for the output rule', () => {
    const def = WorkflowDefinition.parse(
      withSteps([
        seed.steps[0],
        {
          ...seed.steps[1],
          parameter_mappings: { text: { expr: '$substring(document_text, 0, 100)' }, analysis_level: { var: 'depth' } },
        },
      ]),
    );
    expect(outputVariableNames(def)).toEqual(['final_analysis']);
  });
});
